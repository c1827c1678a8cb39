// render: one FFmpeg pass per clip, published only once verified; then thumbnail and sidecars.
import { buildAss, groupOptionsFor } from '../captions/ass.ts';
import { captionLook } from '../captions/styles.ts';
import { OUTPUT_FRAMES } from '../media/frames.ts';
import { clipWords, groupWords } from '../captions/groups.ts';
import { buildSrt, buildVtt } from '../captions/sidecars.ts';
import type { ProbeResult } from '../core/ports.ts';
import { ClipTaskSchema, CropPathSchema, type RenderedClip, TranscriptSchema } from '../core/schemas.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

/** The default frame (9:16); each job's comes from its aspect (src/media/frames.ts). */
export const OUTPUT_FRAME = OUTPUT_FRAMES['9:16'];
/** The hook title stays up this long (or the whole clip when shorter). */
export const HOOK_TITLE_SEC = 3;

export const RenderInputSchema = ClipTaskSchema.extend({ crop: CropPathSchema });

/** Throws unless the encoded file is what was asked for. */
export function verifyRender(probe: ProbeResult, expectedSec: number, frame: { width: number; height: number } = OUTPUT_FRAME): void {
  const problems: string[] = [];
  if (probe.video?.codec !== 'h264') problems.push(`video codec ${probe.video?.codec ?? 'missing'}`);
  if (probe.video && (probe.video.width !== frame.width || probe.video.height !== frame.height)) {
    problems.push(`frame ${probe.video.width}x${probe.video.height}`);
  }
  if (probe.audio?.codec !== 'aac') problems.push(`audio codec ${probe.audio?.codec ?? 'missing'}`);
  if (Math.abs(probe.duration - expectedSec) > 0.5) problems.push(`duration ${probe.duration.toFixed(2)} s, expected ${expectedSec.toFixed(2)} s`);
  if (problems.length) throw new Error(`rendered clip failed verification: ${problems.join(', ')}`);
}

/** clip-N.* as the job made it; clip-N.vK.* for its K-th version, made by an edit. */
export function clipFileNames(rank: number, version = 1) {
  const base = version > 1 ? `clip-${rank}.v${version}` : `clip-${rank}`;
  return { file: `${base}.mp4`, srt: `${base}.srt`, vtt: `${base}.vtt`, thumbnail: `${base}.jpg`, ass: `${base}.ass` };
}

export async function render(raw: unknown, ports: Pick<StagePorts, 'work' | 'outputs' | 'sources' | 'encoder' | 'progress'>): Promise<RenderedClip> {
  const task = RenderInputSchema.parse(raw);
  const { clip } = task;
  const say = reporter(ports, task.jobId, 'render');
  const names = clipFileNames(clip.rank, clip.version);
  const duration = clip.end - clip.start;

  const frame = OUTPUT_FRAMES[task.options.aspect];
  const look = captionLook(task.options.captionStyle, frame);
  const transcript = TranscriptSchema.parse(JSON.parse(await ports.work.readText(task.transcriptKey)));
  const groups = groupWords(clipWords(transcript.words, clip.start, clip.end), duration, groupOptionsFor(look));
  const assKey = `${task.jobId}/${names.ass}`;
  const hook = task.options.hookTitle && clip.title ? { text: clip.title, untilSec: Math.min(HOOK_TITLE_SEC, duration) } : undefined;
  await ports.work.writeText(assKey, buildAss(groups, frame, look, hook));

  const spec = {
    input: await ports.sources.open(task.sourceFile),
    start: clip.start,
    duration,
    source: {
      width: task.source.width,
      height: task.source.height,
      fps: task.source.fps,
      sar: task.source.sar,
      interlaced: task.source.interlaced,
      hdr: task.source.hdr,
      bars: task.source.bars,
    },
    audioTrack: task.source.audioTrack,
    crop: task.crop,
    layout: task.crop.layout,
    assFile: await ports.work.localPath(assKey),
    output: frame,
  };
  say(0, `clip ${clip.rank}: encoding`);
  await ports.outputs.writeFile(names.file, async (tmp) => {
    await ports.encoder.render(spec, tmp, (f) => say(f * 95, `clip ${clip.rank}: encoding`));
    verifyRender(await ports.encoder.probe(tmp), duration, frame);
  });
  const mp4 = await ports.outputs.localPath(names.file);
  await ports.outputs.writeFile(names.thumbnail, (tmp) => ports.encoder.thumbnail(mp4, Math.min(duration / 3, 3), tmp));
  await ports.outputs.writeText(names.srt, buildSrt(groups));
  await ports.outputs.writeText(names.vtt, buildVtt(groups));
  say(100, `clip ${clip.rank}: done`);
  return { file: names.file, srt: names.srt, vtt: names.vtt, thumbnail: names.thumbnail };
}
