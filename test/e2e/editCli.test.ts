// `clipforge edit` as a user runs it: a run, then a word corrected in one clip. The edited clip
// changes only where asked (same bounds and timing, the word in its captions and burned in),
// the other clip is untouched byte for byte, and a changed or moved source is refused in words.
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { type Manifest, ManifestSchema } from '../../src/core/schemas.ts';
import { cached, facePhotoAvailable, frameBytes, probe, runCli, shortTalk } from '../helpers/media.ts';
import { mediapipeAvailable } from '../../src/adapters/face/mediapipeTracker.ts';
import { makeTwoPeople } from '../../src/samples/twoPeople.ts';

let dir: string;
let source: string;
let out: string;
let first: Manifest;

const manifest = async () => ManifestSchema.parse(JSON.parse(await readFile(join(out, 'clips.json'), 'utf8')));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edit-cli-'));
  source = join(dir, 'talk.mp4');
  await copyFile(await shortTalk(), source);
  out = join(dir, 'clips');
  const run = await runCli(['run', source, '--out', out, '--clips', '2', '--min-sec', '8', '--max-sec', '25', '--layout', 'fit']);
  assert.equal(run.code, 0, run.stderr);
  first = await manifest();
  assert.equal(first.clips.length, 2);
});

test('a corrected word changes that clip only where asked; the other clip is untouched', async () => {
  const c1 = first.clips[0]!;
  const word = c1.text.split(/\s+/).find((w) => /^[a-z]{6,}$/.test(w))!;
  const upper = word.toUpperCase(); // same length: the captions' grouping cannot move
  const other = await readFile(join(out, first.clips[1]!.file));
  const srtBefore = await readFile(join(out, c1.srt), 'utf8');
  const frameAt = 0.5;
  const frameBefore = await frameBytes(join(out, c1.file), frameAt, 'gray');

  const r = await runCli(['edit', out, '--clip', '1', '--fix', `${word}=${upper}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /clip 1 v2: clip-1\.v2\.mp4/);
  const now = await manifest();
  const e1 = now.clips[0]!;
  assert.equal(e1.version, 2);
  assert.deepEqual([e1.start, e1.end, e1.title, e1.score], [c1.start, c1.end, c1.title, c1.score]);
  assert.equal(e1.text, c1.text.replace(new RegExp(`\\b${word}\\b`, 'g'), upper));
  const srtAfter = await readFile(join(out, e1.srt), 'utf8');
  assert.notEqual(srtAfter, srtBefore);
  assert.equal(srtAfter, srtBefore.replace(new RegExp(`\\b${word}\\b`, 'g'), upper), 'the SRT differs only in the corrected word');
  const p = await probe(join(out, e1.file));
  assert.ok(Math.abs(p.duration - (c1.end - c1.start)) < 0.2);
  // The picture is the same framing (fit): a frame away from the word differs only by encoding noise.
  const frameAfter = await frameBytes(join(out, e1.file), frameAt, 'gray');
  let diff = 0;
  for (let i = 0; i < frameBefore.length; i += 97) diff += Math.abs(frameBefore[i]! - frameAfter[i]!);
  assert.ok(diff / (frameBefore.length / 97) < 12, `mean pixel change ${(diff / (frameBefore.length / 97)).toFixed(1)}`);

  assert.deepEqual(now.clips[1], first.clips[1], 'clip 2 is as it was in the manifest');
  assert.ok(other.equals(await readFile(join(out, first.clips[1]!.file))), 'and on disk');
  const names = await readdir(out);
  assert.ok(!names.includes('clip-1.mp4'), 'the old version is removed once the new one is listed');
  assert.ok(!names.some((n) => n.endsWith('.lock')), 'no lock left');
});

test('a clip made by hand with --new, and bad edits refused with exit 2 in the command words', async () => {
  const r = await runCli(['edit', out, '--new', '--start', '2', '--end', '9', '--caption-style', 'boxed']);
  assert.equal(r.code, 0, r.stderr);
  const made = (await manifest()).clips.at(-1)!;
  assert.equal(made.rank, 3);
  assert.equal(made.byHand, true);
  assert.equal(made.look?.captionStyle, 'boxed');
  for (const [args, message] of [
    [['--clip', '7', '--title', 'x'], /has no clip 7/],
    [['--clip', '1', '--fix', 'zebra=x'], /clip 1 has no words "zebra"/],
    [['--clip', '1', '--start', '50', '--end', '40'], /must be before end/],
    [['--clip', '1', '--caption-style', 'comic'], /--caption-style/],
    [['--clip', '1', '--pin', '2,0'], /--pin takes X,Y/],
    [['--new', '--start', '1'], /--new needs --start and --end/],
  ] as const) {
    const bad = await runCli(['edit', out, ...args]);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
  }
});

test('a changed or moved source is refused in words, and the clips stay as they were', async () => {
  const before = await readFile(join(out, 'clips.json'), 'utf8');
  await appendFile(source, Buffer.alloc(1000));
  let r = await runCli(['edit', out, '--clip', '2', '--caption-style', 'boxed']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /has changed since the job ran/);
  await rename(source, `${source}.moved`);
  r = await runCli(['edit', out, '--clip', '2', '--caption-style', 'boxed']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is no longer where the job read it/);
  assert.equal(await readFile(join(out, 'clips.json'), 'utf8'), before);
});

test('--follow: of the two people the tracker saw, the one chosen is followed in the new version (MediaPipe, as installed)', async (t) => {
  if (!facePhotoAvailable() || !(await mediapipeAvailable())) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const two = join(dir, 'two.mp4');
  await copyFile(await cached('two-people-v2.mp4', (p) => makeTwoPeople(p)), two);
  // Its captions beside it: the words come from them, so the 8-second sample needs no speech.
  const at = (s: number) => `00:00:0${Math.floor(s)},${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
  const lines = ['Two people sit here.', 'One on the left side.', 'One on the right side.', 'Who do we follow now?'];
  await writeFile(join(dir, 'two.srt'), lines.map((l, i) => `${i + 1}\n${at(0.5 + i * 1.8)} --> ${at(2 + i * 1.8)}\n${l}\n`).join('\n'));
  const outTwo = join(dir, 'two-clips');
  const run = await runCli(['run', two, '--out', outTwo, '--clips', '1', '--min-sec', '3', '--max-sec', '7.9', '--layout', 'follow']);
  assert.equal(run.code, 0, run.stderr);
  const keep = async () =>
    JSON.parse(await readFile(join(outTwo, 'job.json'), 'utf8')) as {
      clips: Record<string, { crop: { path: Array<{ cx: number }>; people?: Array<{ x: number; y: number }> } }>;
    };
  const before = (await keep()).clips['1']!.crop;
  assert.equal(before.people?.length, 2, JSON.stringify(before.people));
  const mean = (path: Array<{ cx: number }>) => path.reduce((a, p) => a + p.cx, 0) / path.length;
  // The one the tracker did not pick on its own.
  const other = before.people!.reduce((a, b) => (Math.abs(b.x - mean(before.path)) > Math.abs(a.x - mean(before.path)) ? b : a));
  const r = await runCli(['edit', outTwo, '--clip', '1', '--follow', `${other.x},${other.y}`]);
  assert.equal(r.code, 0, r.stderr);
  const after = (await keep()).clips['1']!.crop;
  assert.ok(Math.abs(mean(after.path) - other.x) < 0.12, `the crop sits at ${mean(after.path).toFixed(2)}, the chosen person at ${other.x}`);
  assert.ok(Math.abs(mean(before.path) - other.x) > 0.2, 'and it did not before');
  const clip = ManifestSchema.parse(JSON.parse(await readFile(join(outTwo, 'clips.json'), 'utf8'))).clips[0]!;
  assert.deepEqual([clip.version, clip.file], [2, 'clip-1.v2.mp4']);
  assert.match(clip.layout?.why ?? '', /the person chosen by hand/);
});
