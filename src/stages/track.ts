// track: the crop path for one clip. A tracker failure never fails the job: centre crop, reason kept.
import { ProcessError, errorMessage } from '../core/errors.ts';
import { type CropPath, ClipTaskSchema, CropPathSchema } from '../core/schemas.ts';
import { centreCrop } from '../media/cropGeometry.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

export async function track(raw: unknown, ports: Pick<StagePorts, 'tracker' | 'sources' | 'progress' | 'log'>): Promise<CropPath> {
  const task = ClipTaskSchema.parse(raw);
  const say = reporter(ports, task.jobId, 'track');
  const frame = { width: task.source.width, height: task.source.height };
  say(0, `clip ${task.clip.rank}: following the speaker`);
  const video = await ports.sources.open(task.sourceFile);
  try {
    const path = CropPathSchema.parse(await ports.tracker.track(video, { start: task.clip.start, end: task.clip.end }, frame));
    // No face in a clip is a fact about the footage, not a fault: noted, not warned.
    if (path.fallback) ports.log.info('centre crop', { clip: task.clip.rank, reason: path.fallback });
    say(100, `clip ${task.clip.rank}: crop path ready`);
    return path;
  } catch (err) {
    const reason = `${ports.tracker.name} tracker failed: ${errorMessage(err)}`;
    const detail = err instanceof ProcessError ? { code: err.code, signal: err.signal, stderr: err.stderrTail } : {};
    ports.log.warn('centre crop fallback', { clip: task.clip.rank, reason, ...detail });
    say(100, `clip ${task.clip.rank}: centre crop (${reason})`);
    return centreCrop(frame, reason);
  }
}
