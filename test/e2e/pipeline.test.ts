// The whole embedded default on a generated talk, checked on the real outputs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManifestSchema } from '../../src/core/schemas.ts';
import { TALK } from '../../src/samples/talkScript.ts';
import { parseSrtStarts, probe, runCli, shortTalk, speechOnsets } from '../helpers/media.ts';

test('clipforge run: ranked 1080x1920 H.264/AAC clips with captions on time, a manifest and a report', async () => {
  const talk = await shortTalk();
  const out = await mkdtemp(join(tmpdir(), 'clipforge-e2e-'));
  const work = await mkdtemp(join(tmpdir(), 'clipforge-e2e-work-'));
  const res = await runCli(['run', talk, '--out', out, '--clips', '2', '--min-sec', '10', '--max-sec', '30', '--json'], { CLIPFORGE_WORK_DIR: work });
  assert.equal(res.code, 0, res.stderr);

  const manifest = ManifestSchema.parse(JSON.parse(res.stdout));
  assert.deepEqual(manifest, ManifestSchema.parse(JSON.parse(await readFile(join(out, 'clips.json'), 'utf8'))));
  assert.equal(manifest.clips.length, 2);
  assert.deepEqual(
    manifest.clips.map((c) => c.rank),
    [1, 2],
  );
  assert.ok(manifest.clips[0]!.score >= manifest.clips[1]!.score);
  const [a, b] = manifest.clips;
  assert.ok(a!.end <= b!.start || b!.end <= a!.start, 'clips do not overlap');
  assert.ok(manifest.source.duration > 60 && manifest.source.width === 1280);
  for (const stage of ['ingest', 'transcribe', 'score', 'track', 'render']) assert.ok(manifest.timings[stage]! > 0, `timing for ${stage}`);
  assert.equal(manifest.usage.transcriber, 'faster-whisper');
  assert.equal(manifest.source.language, 'en', 'the language Whisper heard');
  // The words were heard: what each clip says is the script's words (PocketSphinx got one in three wrong).
  const spoken = new Set(TALK.flatMap((s) => s.sentences).flatMap(wordsOf));
  for (const clip of manifest.clips) {
    const heard = wordsOf(clip.text);
    const known = heard.filter((w) => spoken.has(w)).length;
    assert.ok(known >= 0.9 * heard.length, `clip ${clip.rank}: ${known} of ${heard.length} words are the script's: "${clip.text}"`);
  }

  for (const clip of manifest.clips) {
    assert.ok(clip.duration >= 10 && clip.duration <= 30, `duration ${clip.duration}`);
    assert.ok(clip.title.length > 0 && clip.title.length <= 70);
    const info = await probe(join(out, clip.file));
    assert.equal(info.video?.codec, 'h264');
    assert.equal(info.video?.width, 1080);
    assert.equal(info.video?.height, 1920);
    assert.equal(info.audio?.codec, 'aac');
    assert.ok(Math.abs(info.duration - clip.duration) < 0.3, `file ${info.duration} s vs manifest ${clip.duration} s`);
    const thumb = await probe(join(out, clip.thumbnail));
    assert.equal(thumb.video?.width, 540);

    // Where speech resumes after a pause in the rendered audio, a caption must start too.
    const cues = parseSrtStarts(await readFile(join(out, clip.srt), 'utf8'));
    const vtt = await readFile(join(out, clip.vtt), 'utf8');
    assert.equal(vtt.match(/-->/g)?.length, cues.length);
    const onsets = (await speechOnsets(join(out, clip.file), 0.4)).filter((t) => t > 0.3 && t < clip.duration - 0.5);
    assert.ok(onsets.length >= 2, `expected pauses inside clip ${clip.rank}, found ${onsets.length}`);
    for (const onset of onsets) {
      const nearest = Math.min(...cues.map((c) => Math.abs(c - onset)));
      assert.ok(nearest <= 0.3, `clip ${clip.rank}: speech at ${onset.toFixed(2)} s has no caption within 0.3 s (nearest ${nearest.toFixed(2)} s)`);
    }
  }

  const report = await readFile(join(out, 'report.html'), 'utf8');
  for (const clip of manifest.clips) {
    assert.ok(report.includes(`src="${clip.file}"`));
  }
  const files = await readdir(out);
  assert.ok(!files.some((f) => f.includes('.partial-')), 'no temporaries left');
  assert.deepEqual(await readdir(work), [], 'work files removed');
  assert.ok(!existsSync(join(out, 'clip-3.mp4')));
});

/** A text's words, lower case, without punctuation. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
}
