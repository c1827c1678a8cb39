// npm run bench — the whole pipeline on a generated ~10-minute 1080p talk: wall time per stage,
// and the pipeline without transcription against bare FFmpeg encoding the same clips with the
// same arguments (same concurrency), measured in the same run. Target: ratio <= 1.25.
import '../src/cli/quietWarnings.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildAss } from '../src/captions/ass.ts';
import { clipWords, groupWords } from '../src/captions/groups.ts';
import type { Transcript } from '../src/core/schemas.ts';
import type { Transcriber } from '../src/core/ports.ts';
import { FasterWhisperTranscriber } from '../src/adapters/whisper/fasterWhisperTranscriber.ts';
import { CentreTracker } from '../src/adapters/face/centreTracker.ts';
import { centreCrop } from '../src/media/cropGeometry.ts';
import { mediaBinaries } from '../src/media/binaries.ts';
import { renderArgs } from '../src/media/renderArgs.ts';
import { runProcess } from '../src/media/runProcess.ts';
import { runLocalJob } from '../src/runtime/local/runJob.ts';
import { OUTPUT_FRAME } from '../src/stages/render.ts';
import { benchTalk1080p } from './benchTalk.ts';

const talk = await benchTalk1080p();

// Keep the transcript to caption the bare encodes exactly as the pipeline did.
let transcript: Transcript | undefined;
const inner = new FasterWhisperTranscriber();
const keeping: Transcriber = { name: inner.name, model: inner.model, transcribe: async (p, ctx) => (transcript = await inner.transcribe(p, ctx)) };

// The foundation's figure is with the centre crop; `--face` adds MediaPipe tracking (its own
// cost is measured by bench/tracking.ts).
const face = process.argv.includes('--face');
const out = await mkdtemp(join(tmpdir(), 'clipforge-bench-'));
const quiet = { emit: () => undefined, info: () => undefined, warn: (m: string) => console.error(m) };
const t0 = performance.now();
const manifest = await runLocalJob({
  source: talk,
  outDir: out,
  progress: quiet,
  log: quiet,
  ports: { transcriber: keeping, ...(face ? {} : { tracker: new CentreTracker() }) },
});
const total = (performance.now() - t0) / 1000;

// Bare FFmpeg: the same clips, the same single-pass arguments, two at a time like the pipeline.
const bareDir = await mkdtemp(join(tmpdir(), 'clipforge-bench-bare-'));
const frame = { width: manifest.source.width, height: manifest.source.height };
const jobs = await Promise.all(
  manifest.clips.map(async (c) => {
    const ass = join(bareDir, `clip-${c.rank}.ass`);
    await writeFile(ass, buildAss(groupWords(clipWords(transcript!.words, c.start, c.end), c.end - c.start), OUTPUT_FRAME));
    return renderArgs(
      { input: talk, start: c.start, duration: c.end - c.start, source: frame, crop: centreCrop(frame), assFile: ass, output: OUTPUT_FRAME },
      join(bareDir, `clip-${c.rank}.mp4`),
    );
  }),
);
const b0 = performance.now();
const queue = [...jobs];
await Promise.all(
  [0, 1].map(async () => {
    for (let args = queue.shift(); args; args = queue.shift()) await runProcess(mediaBinaries().ffmpeg, args, { captureStdout: false });
  }),
);
const bare = (performance.now() - b0) / 1000;

const t = manifest.timings;
const withoutTranscription = total - (t.transcribe ?? 0);
console.log(
  `source: ${manifest.source.width}x${manifest.source.height}, ${(manifest.source.duration / 60).toFixed(1)} min; ${manifest.clips.length} clips, ${manifest.clips.reduce((s, c) => s + c.duration, 0).toFixed(1)} s in all`,
);
console.log('wall time per stage (s):');
for (const [stage, sec] of Object.entries(t)) console.log(`  ${stage.padEnd(11)} ${sec.toFixed(2).padStart(8)}`);
console.log(`  ${'whole job'.padEnd(11)} ${total.toFixed(2).padStart(8)}`);
console.log(`bare FFmpeg encode of the same clips: ${bare.toFixed(2)} s`);
console.log(`pipeline without transcription / bare encode: ${(withoutTranscription / bare).toFixed(3)} (target <= 1.25)`);
console.log(`transcription: ${((t.transcribe ?? 0) / manifest.source.duration).toFixed(3)}x real time`);
await rm(out, { recursive: true, force: true });
await rm(bareDir, { recursive: true, force: true });
