// npm run bench:layouts — each layout's render (our one FFmpeg pass: framing, captions,
// loudness, progress) against a bare FFmpeg encode of the same frame size and filter graph shape
// (the same framing, no captions, no loudness, no progress), measured in the same run on the same
// 30 s of a 1280x720 talk. Target: every layout within 1.3x its bare encode.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegEncoder } from '../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { buildAss, groupOptionsFor } from '../src/captions/ass.ts';
import { groupWords } from '../src/captions/groups.ts';
import { captionLook } from '../src/captions/styles.ts';
import type { RenderSpec } from '../src/core/ports.ts';
import { centreCrop } from '../src/media/cropGeometry.ts';
import { ASPECTS, OUTPUT_FRAMES, aspectRatio } from '../src/media/frames.ts';
import { ENCODE, videoGraph } from '../src/media/renderArgs.ts';
import { runProcess } from '../src/media/runProcess.ts';
import { makeSampleTalk } from '../src/samples/sampleTalk.ts';
import { TALK } from '../src/samples/talkScript.ts';

await mkdir('.bench', { recursive: true });
const video = '.bench/speech.mp4';
if (!existsSync(video)) await makeSampleTalk(video, { sections: TALK.slice(0, 4) });
const dir = await mkdtemp(join(tmpdir(), 'clipforge-bench-layouts-'));
const encoder = new FfmpegEncoder();
const source = { width: 1280, height: 720 };
const [start, duration] = [10, 30];
const words = Array.from({ length: 90 }, (_, i) => ({ w: ['here', 'is', 'the', 'secret', 'nobody', 'tells', 'you'][i % 7]!, start: i / 3, end: i / 3 + 0.3 }));

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

console.log('aspect  layout   ours s   bare s   ours/bare');
let worst = 0;
for (const aspect of ASPECTS) {
  const output = OUTPUT_FRAMES[aspect];
  const look = captionLook('pop', output);
  const ass = join(dir, `${aspect.replace(':', 'x')}.ass`);
  await writeFile(ass, buildAss(groupWords(words, duration, groupOptionsFor(look)), output, look));
  const empty = join(dir, 'empty.ass');
  await writeFile(empty, buildAss([], output));
  for (const layout of ['follow', 'fit'] as const) {
    const spec: RenderSpec = { input: video, start, duration, source, crop: centreCrop(source, null, aspectRatio(aspect)), layout, assFile: ass, output };
    const ours = await time(() => encoder.render(spec, join(dir, 'ours.mp4')));
    // The same framing graph without captions, encoded with the same settings and no audio processing.
    const graph = videoGraph({ ...spec, assFile: empty }).replace(/,ass=filename=[^,[]+/, '');
    const bare = await time(() =>
      runProcess('ffmpeg', [
        ...['-v', 'error', '-y', '-ss', String(start), '-t', String(duration), '-i', video],
        ...['-filter_complex', graph, '-map', '[v]', '-map', '0:a:0'],
        ...['-c:v', 'libx264', '-preset', ENCODE.preset, '-crf', String(ENCODE.crf), '-c:a', 'aac', join(dir, 'bare.mp4')],
      ]),
    );
    worst = Math.max(worst, ours / bare);
    console.log(
      `${aspect.padEnd(7)} ${layout.padEnd(7)} ${ours.toFixed(2).padStart(7)} ${bare.toFixed(2).padStart(8)} ${(ours / bare).toFixed(2).padStart(11)}`,
    );
  }
}
console.log(`worst ratio ${worst.toFixed(2)} (target <= 1.3)`);
await rm(dir, { recursive: true, force: true });
