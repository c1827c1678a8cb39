// render: one FFmpeg pass per clip, published only once verified; then thumbnail and sidecars.
import { buildAss } from '../captions/ass.ts';
import { clipWords, groupWords } from '../captions/groups.ts';
import { buildSrt, buildVtt } from '../captions/sidecars.ts';
import type { ProbeResult } from '../core/ports.ts';
import { ClipTaskSchema, CropPathSchema, type RenderedClip, TranscriptSchema } from '../core/schemas.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

export const OUTPUT_FRAME = { width: 1080, height: 1920 } as const;

export const RenderInputSchema = ClipTaskSchema.extend({ crop: CropPathSchema });

/** Throws unless the encoded file is what was asked for. */
export function verifyRender(probe: ProbeResult, expectedSec: number): void {
  const problems: string[] = [];
  if (probe.video?.codec !== 'h264') problems.push(`video codec ${probe.video?.codec ?? 'missing'}`);
  if (probe.video && (probe.video.width !== OUTPUT_FRAME.width || probe.video.height !== OUTPUT_FRAME.height)) {
    problems.push(`frame ${probe.video.width}x${probe.video.height}`);
  }
  if (probe.audio?.codec !== 'aac') problems.push(`audio codec ${probe.audio?.codec ?? 'missing'}`);
  if (Math.abs(probe.duration - expectedSec) > 0.5) problems.push(`duration ${probe.duration.toFixed(2)} s, expected ${expectedSec.toFixed(2)} s`);
  if (problems.length) throw new Error(`rendered clip failed verification: ${problems.join(', ')}`);
}

export function clipFileNames(rank: number) {
  const base = `clip-${rank}`;
  return { file: `${base}.mp4`, srt: `${base}.srt`, vtt: `${base}.vtt`, thumbnail: `${base}.jpg`, ass: `${base}.ass` };
}

export async function render(raw: unknown, ports: Pick<StagePorts, 'work' | 'outputs' | 'sources' | 'encoder' | 'progress'>): Promise<RenderedClip> {
  const task = RenderInputSchema.parse(raw);
  const { clip } = task;
  const say = reporter(ports, task.jobId, 'render');
  const names = clipFileNames(clip.rank);
  const duration = clip.end - clip.start;

  const transcript = TranscriptSchema.parse(JSON.parse(await ports.work.readText(task.transcriptKey)));
  const groups = groupWords(clipWords(transcript.words, clip.start, clip.end), duration);
  const assKey = `${task.jobId}/${names.ass}`;
  await ports.work.writeText(assKey, buildAss(groups, OUTPUT_FRAME));

  const spec = {
    input: await ports.sources.open(task.sourceFile),
    start: clip.start,
    duration,
    source: { width: task.source.width, height: task.source.height },
    crop: task.crop,
    assFile: await ports.work.localPath(assKey),
    output: OUTPUT_FRAME,
  };
  say(0, `clip ${clip.rank}: encoding`);
  await ports.outputs.writeFile(names.file, async (tmp) => {
    await ports.encoder.render(spec, tmp, (f) => say(f * 95, `clip ${clip.rank}: encoding`));
    verifyRender(await ports.encoder.probe(tmp), duration);
  });
  const mp4 = await ports.outputs.localPath(names.file);
  await ports.outputs.writeFile(names.thumbnail, (tmp) => ports.encoder.thumbnail(mp4, Math.min(duration / 3, 3), tmp));
  await ports.outputs.writeText(names.srt, buildSrt(groups));
  await ports.outputs.writeText(names.vtt, buildVtt(groups));
  say(100, `clip ${clip.rank}: done`);
  return { file: names.file, srt: names.srt, vtt: names.vtt, thumbnail: names.thumbnail };
}
