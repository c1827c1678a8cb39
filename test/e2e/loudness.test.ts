// Loudness on target: clips of synthetic and of recorded speech measured with FFmpeg's ebur128
// land within 1 LU of -14 LUFS (one-pass loudnorm gave -16.7 and -14.3 to -15.7).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { buildAss } from '../../src/captions/ass.ts';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { OUTPUT_FRAMES } from '../../src/media/frames.ts';
import { LOUDNESS } from '../../src/media/loudness.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { ffmpeg, shortTalk } from '../helpers/media.ts';

const RECORDED = '/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.wav';

async function integrated(path: string): Promise<number> {
  let summary = '';
  await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'info', '-i', path, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-'], {
    onStderrLine: (l) => (summary += `${l}\n`),
  });
  const m = /Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS/.exec(summary);
  assert.ok(m, 'ebur128 printed an integrated loudness');
  return Number(m[1]);
}

test('clips of synthetic and recorded speech are normalised to -14 LUFS within 1 LU', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-loud-'));
  const encoder = new FfmpegEncoder();
  const ass = join(dir, 'none.ass');
  await writeFile(ass, buildAss([], OUTPUT_FRAMES['9:16']));
  const sources: Array<[string, string, number, number]> = [['synthetic voice', await shortTalk(), 20, 15]];
  if (existsSync(RECORDED)) {
    // Recorded speech, quiet as recorded, under a test picture.
    const recorded = join(dir, 'recorded.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:r=25',
      '-i',
      RECORDED,
      '-shortest',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      recorded,
    ]);
    sources.push(['recorded speech', recorded, 0.5, 6]);
  }
  for (const [name, input, start, duration] of sources) {
    const info = await encoder.probe(input);
    const frame = { width: info.video!.width, height: info.video!.height };
    const out = join(dir, `${name.replace(' ', '-')}.mp4`);
    await encoder.render({ input, start, duration, source: frame, crop: centreCrop(frame), assFile: ass, output: OUTPUT_FRAMES['9:16'] }, out);
    const lufs = await integrated(out);
    assert.ok(Math.abs(lufs - LOUDNESS.I) <= 1, `${name}: ${lufs} LUFS, target ${LOUDNESS.I} ± 1`);
  }
});
