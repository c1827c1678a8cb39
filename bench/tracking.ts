// npm run bench:track — face tracking cost per second of clip, against rendering the same clip
// with the tracked path, measured in the same run. Target: tracking <= 15% of rendering.
// The first clip pays MediaPipe's load in a fresh process; later clips of a job reuse it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegEncoder } from '../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { MediapipeTracker } from '../src/adapters/face/mediapipeTracker.ts';
import { buildAss } from '../src/captions/ass.ts';
import { OUTPUT_FRAME } from '../src/stages/render.ts';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { makeFaceTalk } from '../src/samples/faceTalk.ts';
import { makeSampleTalk } from '../src/samples/sampleTalk.ts';
import { TALK } from '../src/samples/talkScript.ts';

await mkdir('.bench', { recursive: true });
const video = '.bench/face-talk.mp4';
if (!existsSync(video)) {
  await makeSampleTalk('.bench/speech.mp4', { sections: TALK.slice(0, 4) });
  await makeFaceTalk(video, '.bench/speech.mp4');
}
const dir = await mkdtemp(join(tmpdir(), 'clipforge-bench-track-'));
const ass = join(dir, 'empty.ass');
await writeFile(ass, buildAss([], OUTPUT_FRAME));
const encoder = new FfmpegEncoder();
const tracker = new MediapipeTracker({ processes: 1 });
const frame = { width: 1280, height: 720 };

console.log('clip          track s   render s   track/render   track s per clip s');
let trackSum = 0;
let renderSum = 0;
for (const [start, end] of [
  [5, 35],
  [30, 60],
  [20, 80],
  [60, 90],
] as const) {
  const t0 = performance.now();
  const path = await tracker.track(video, { start, end });
  const track = (performance.now() - t0) / 1000;
  const r0 = performance.now();
  await encoder.render({ input: video, start, duration: end - start, source: frame, crop: path, assFile: ass, output: OUTPUT_FRAME }, join(dir, 'clip.mp4'));
  const render = (performance.now() - r0) / 1000;
  trackSum += track;
  renderSum += render;
  console.log(
    `${`${start}-${end} s`.padEnd(12)} ${track.toFixed(2).padStart(8)} ${render.toFixed(2).padStart(10)} ${(track / render).toFixed(3).padStart(14)} ${(track / (end - start)).toFixed(3).padStart(20)}` +
      (path.fallback ? `  (fallback: ${path.fallback})` : ''),
  );
}
console.log(`all clips: tracking / rendering = ${(trackSum / renderSum).toFixed(3)} (first clip includes the model load)`);
tracker.close();
await rm(dir, { recursive: true, force: true });
