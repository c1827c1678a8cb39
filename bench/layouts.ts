// npm run bench:layouts — what each layout costs, measured in one run on the same 5 s of a
// two-person 1280x720 source, at every frame size:
//   ours / bare: our render (one FFmpeg pass with progress, verification-ready MP4 with faststart)
//     against a bare FFmpeg run of the same filter graph (framing, captions, loudness), which is
//     what the layout itself costs. Target: within 1.3x.
//   ours / plain: the same render against a plain encode of the frame size (scale only, no
//     captions or loudness): what framing, captions and loudness add on top of encoding.
//   tracking two faces against rendering the split clip. Target: within 20%.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegEncoder } from '../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { MediapipeTracker } from '../src/adapters/face/mediapipeTracker.ts';
import { buildAss, groupOptionsFor } from '../src/captions/ass.ts';
import { groupWords } from '../src/captions/groups.ts';
import { captionLook } from '../src/captions/styles.ts';
import type { RenderSpec } from '../src/core/ports.ts';
import { ASPECTS, OUTPUT_FRAMES, aspectRatio, splitParts } from '../src/media/frames.ts';
import { renderArgs } from '../src/media/renderArgs.ts';
import { runProcess } from '../src/media/runProcess.ts';
import { makeTwoPeople } from '../src/samples/twoPeople.ts';

await mkdir('.bench', { recursive: true });
const video = '.bench/two-people.mp4';
if (!existsSync(video)) await makeTwoPeople(video, 12);
const dir = await mkdtemp(join(tmpdir(), 'clipforge-bench-layouts-'));
const encoder = new FfmpegEncoder();
const tracker = new MediapipeTracker({ processes: 1 });
const source = { width: 1280, height: 720 };
const [start, duration] = [2, 8];
const words = Array.from({ length: 24 }, (_, i) => ({ w: ['here', 'is', 'the', 'secret', 'nobody', 'tells', 'you'][i % 7]!, start: i / 3, end: i / 3 + 0.3 }));

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Our arguments without what only a pipeline needs: no progress reporting, no faststart rewrite, no profile pin. */
function bareArgs(spec: RenderSpec, out: string): string[] {
  const args = renderArgs(spec, out);
  const drop = new Set(['-progress', '-movflags', '-profile:v']);
  return args.filter((a, i) => !drop.has(a) && !drop.has(args[i - 1]!) && a !== '-nostats');
}

console.log('aspect  layout   ours s   bare s   plain s   ours/bare   ours/plain   track-2 s   track/render');
let worstBare = 0;
let worstTrack = 0;
for (const aspect of ASPECTS) {
  const output = OUTPUT_FRAMES[aspect];
  const look = captionLook('pop', output);
  const ass = join(dir, `${aspect.replace(':', 'x')}.ass`);
  await writeFile(ass, buildAss(groupWords(words, duration, groupOptionsFor(look)), output, look));
  const part = splitParts(output).parts[0];
  let tracked = await tracker.track(video, { start, end: start + duration }, source, aspectRatio(aspect), part.w / part.h); // warm the model
  const trackSec = await time(async () => {
    tracked = await tracker.track(video, { start, end: start + duration }, source, aspectRatio(aspect), part.w / part.h);
  });
  const plain = await time(() =>
    runProcess('ffmpeg', [
      ...['-v', 'error', '-y', '-ss', String(start), '-t', String(duration), '-i', video],
      ...[
        '-vf',
        `scale=${output.width}:${output.height},format=yuv420p`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '21',
        '-c:a',
        'aac',
        join(dir, 'plain.mp4'),
      ],
    ]),
  );
  for (const layout of ['follow', 'fit', 'split'] as const) {
    const spec: RenderSpec = { input: video, start, duration, source, crop: tracked, layout, assFile: ass, output };
    const ours = await time(() => encoder.render(spec, join(dir, 'ours.mp4')));
    const bare = await time(() => runProcess('ffmpeg', bareArgs(spec, join(dir, 'bare.mp4'))));
    worstBare = Math.max(worstBare, ours / bare);
    const track = layout === 'split' ? `${trackSec.toFixed(2).padStart(10)} ${(trackSec / ours).toFixed(2).padStart(14)}` : '';
    if (layout === 'split') worstTrack = Math.max(worstTrack, trackSec / ours);
    console.log(
      `${aspect.padEnd(7)} ${layout.padEnd(7)} ${ours.toFixed(2).padStart(7)} ${bare.toFixed(2).padStart(8)} ${plain.toFixed(2).padStart(9)} ${(ours / bare).toFixed(2).padStart(11)} ${(ours / plain).toFixed(2).padStart(12)} ${track}`,
    );
  }
}
console.log(`worst ours/bare ${worstBare.toFixed(2)} (target <= 1.3); worst two-face tracking / split render ${worstTrack.toFixed(2)} (target <= 0.2)`);
tracker.close();
await rm(dir, { recursive: true, force: true });
