// track: how one clip is framed. The face tracker's crop path in the job's aspect, and under
// layout auto the decision per clip: two people held apart through most of it → split, a part
// following each; a face on screen → follow it; no face (slides, a screen recording, a wide
// shot) → fit the whole frame over a blurred fill. A tracker failure never fails the job: centre
// crop, reason kept.
import { ProcessError, errorMessage } from '../core/errors.ts';
import { type ClipTask, type CropPath, ClipTaskSchema, type LAYOUTS, type TrackedPath } from '../core/schemas.ts';

type JobLayout = (typeof LAYOUTS)[number];
import { centreCrop, swapped } from '../media/cropGeometry.ts';
import { OUTPUT_FRAMES, aspectRatio, splitParts } from '../media/frames.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

/** Under auto, a clip with a face in fewer than this share of its sampled frames is fitted, not followed (a face glimpsed once is not a subject). */
export const MIN_FACE_SHARE = 0.15;
/** Under auto, two people held apart through at least this share of the clip get a part each (a conversation, not a passer-by). */
export const MIN_PAIR_SHARE = 0.6;

const pct = (f: number) => `${Math.round(f * 100)}%`;

export function chooseLayout(layout: JobLayout, tracked: TrackedPath): Pick<CropPath, 'layout' | 'layoutWhy'> {
  const pair = tracked.pair;
  const twoApart = pair?.left && pair.right && pair.share > 0;
  if (layout === 'fit') return { layout: 'fit', layoutWhy: 'fit asked for' };
  if (layout === 'follow') return { layout: 'follow', layoutWhy: 'follow asked for' };
  if (layout === 'split') {
    return twoApart
      ? { layout: 'split', layoutWhy: `split asked for: two people apart in ${pct(pair.share)} of the clip` }
      : { layout: 'follow', layoutWhy: 'split asked for, but no two people side by side were found: the crop follows one' };
  }
  if (tracked.faces === undefined) return { layout: 'follow', layoutWhy: `no face tracking here (${tracked.fallback ?? 'centre crop'}): centre crop` };
  if (twoApart && pair.share >= MIN_PAIR_SHARE) return { layout: 'split', layoutWhy: `two people apart in ${pct(pair.share)} of the clip: a part each` };
  if (tracked.faces < MIN_FACE_SHARE) {
    return { layout: 'fit', layoutWhy: `a face in ${Math.round(tracked.faces * 100)}% of the clip: the whole frame, over a blurred fill` };
  }
  return { layout: 'follow', layoutWhy: `a face in ${Math.round(tracked.faces * 100)}% of the clip: the crop follows it` };
}

export async function track(raw: unknown, ports: Pick<StagePorts, 'tracker' | 'sources' | 'progress' | 'log'>): Promise<CropPath> {
  const task = ClipTaskSchema.parse(raw);
  const crop = await trackClip(task, ports);
  return task.swapParts ? swapped(crop) : crop;
}

async function trackClip(task: ClipTask, ports: Pick<StagePorts, 'tracker' | 'sources' | 'progress' | 'log'>): Promise<CropPath> {
  const say = reporter(ports, task.jobId, 'track');
  const frame = { width: task.source.width, height: task.source.height };
  const aspect = aspectRatio(task.options.aspect);
  if (task.options.layout === 'fit') {
    say(100, `clip ${task.clip.rank}: the whole frame (fit)`);
    return { ...centreCrop(frame, null, aspect), ...chooseLayout('fit', centreCrop(frame)) };
  }
  say(0, `clip ${task.clip.rank}: following the speaker`);
  const video = await ports.sources.open(task.sourceFile);
  let tracked: TrackedPath;
  try {
    // Two people side by side are looked for only where a split could follow.
    const part = splitParts(OUTPUT_FRAMES[task.options.aspect]).parts[0];
    const pairAspect = task.options.layout === 'auto' || task.options.layout === 'split' ? part.w / part.h : undefined;
    tracked = await ports.tracker.track(video, { start: task.clip.start, end: task.clip.end }, frame, aspect, pairAspect, task.source.bars, task.follow);
    // No face in a clip is a fact about the footage, not a fault: noted, not warned.
    if (tracked.fallback) ports.log.info('centre crop', { clip: task.clip.rank, reason: tracked.fallback });
  } catch (err) {
    const reason = `${ports.tracker.name} tracker failed: ${errorMessage(err)}`;
    const detail = err instanceof ProcessError ? { code: err.code, signal: err.signal, stderr: err.stderrTail } : {};
    ports.log.warn('centre crop fallback', { clip: task.clip.rank, reason, ...detail });
    tracked = centreCrop(frame, reason, aspect);
  }
  const decided = chooseLayout(task.options.layout, tracked);
  say(100, `clip ${task.clip.rank}: ${decided.layout} (${decided.layoutWhy})`);
  return {
    crop: tracked.crop,
    path: tracked.path,
    fallback: tracked.fallback,
    ...(decided.layout === 'split' && tracked.pair ? { pair: tracked.pair } : {}),
    ...(tracked.people?.length ? { people: tracked.people } : {}),
    ...decided,
    ...(task.follow && decided.layout === 'follow' ? { layoutWhy: `${decided.layoutWhy}; the person chosen by hand` } : {}),
  };
}
