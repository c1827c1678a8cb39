// track: how one clip is framed. The face tracker's crop path in the job's aspect, and under
// layout auto the decision per clip: a face on screen → follow it; no face in the clip (slides,
// a screen recording, a wide shot) → fit the whole frame over a blurred fill. A tracker failure
// never fails the job: centre crop, reason kept.
import { ProcessError, errorMessage } from '../core/errors.ts';
import { type CropPath, ClipTaskSchema, type TrackedPath } from '../core/schemas.ts';
import { centreCrop } from '../media/cropGeometry.ts';
import { aspectRatio } from '../media/frames.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

/** Under auto, a clip with a face in fewer than this share of its sampled frames is fitted, not followed (a face glimpsed once is not a subject). */
export const MIN_FACE_SHARE = 0.15;

export function chooseLayout(layout: 'auto' | 'follow' | 'fit', tracked: TrackedPath): Pick<CropPath, 'layout' | 'layoutWhy'> {
  if (layout === 'fit') return { layout: 'fit', layoutWhy: 'fit asked for' };
  if (layout === 'follow') return { layout: 'follow', layoutWhy: 'follow asked for' };
  if (tracked.faces === undefined) return { layout: 'follow', layoutWhy: `no face tracking here (${tracked.fallback ?? 'centre crop'}): centre crop` };
  if (tracked.faces < MIN_FACE_SHARE) {
    return { layout: 'fit', layoutWhy: `a face in ${Math.round(tracked.faces * 100)}% of the clip: the whole frame, over a blurred fill` };
  }
  return { layout: 'follow', layoutWhy: `a face in ${Math.round(tracked.faces * 100)}% of the clip: the crop follows it` };
}

export async function track(raw: unknown, ports: Pick<StagePorts, 'tracker' | 'sources' | 'progress' | 'log'>): Promise<CropPath> {
  const task = ClipTaskSchema.parse(raw);
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
    tracked = await ports.tracker.track(video, { start: task.clip.start, end: task.clip.end }, frame, aspect);
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
  return { crop: tracked.crop, path: tracked.path, fallback: tracked.fallback, ...decided };
}
