// The FaceTracker port on the Python MediaPipe tracker (containers/face-tracker), run as a
// subprocess with a timeout. Failures throw with exit code, signal and stderr tail; the track
// stage turns them into a centre crop with the reason recorded.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FaceTracker } from '../../core/ports.ts';
import { PROJECT_ROOT, projectPython } from '../../core/projectRoot.ts';
import type { CropPath } from '../../core/schemas.ts';
import { runProcess } from '../../media/runProcess.ts';

export const TRACKER_DIR = join(PROJECT_ROOT, 'containers', 'face-tracker');

export const TrackerOutputSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
  crop: z.object({ w: z.number().int().positive(), h: z.number().int().positive() }),
  cuts: z.array(z.number()),
  path: z.array(z.object({ t: z.number(), cx: z.number().min(0).max(1), cy: z.number().min(0).max(1) })).min(1),
  fallback: z.string().nullable(),
  samples: z.number().int(),
  facesFound: z.number(),
  seconds: z.number(),
});
export type TrackerOutput = z.infer<typeof TrackerOutputSchema>;

export interface MediapipeTrackerOptions {
  python?: string;
  sampleFps?: number;
  timeoutMs?: number;
}

export class MediapipeTracker implements FaceTracker {
  readonly name = 'mediapipe';
  constructor(private readonly opts: MediapipeTrackerOptions = {}) {}

  /** The tracker's own JSON, as `clipforge track` prints it. */
  async run(video: string, range: { start: number; end?: number }): Promise<TrackerOutput> {
    const args = ['-m', 'facetrack', video, '--start', range.start.toFixed(3), '--fps', String(this.opts.sampleFps ?? 5)];
    if (range.end !== undefined) args.push('--end', range.end.toFixed(3));
    const clipSec = range.end !== undefined ? range.end - range.start : 3600;
    const { stdout } = await runProcess(this.opts.python ?? projectPython(), args, {
      env: { ...process.env, PYTHONPATH: TRACKER_DIR, GLOG_minloglevel: '2', TF_CPP_MIN_LOG_LEVEL: '2' },
      timeoutMs: this.opts.timeoutMs ?? Math.max(60_000, clipSec * 5_000),
    });
    return TrackerOutputSchema.parse(JSON.parse(stdout));
  }

  async track(video: string, range: { start: number; end: number }): Promise<CropPath> {
    const out = await this.run(video, range);
    return { crop: out.crop, path: out.path, fallback: out.fallback };
  }
}

/** True when the project's Python can import MediaPipe (setup.sh installs it). */
export async function mediapipeAvailable(python = projectPython()): Promise<boolean> {
  if (!existsSync(TRACKER_DIR)) return false;
  return runProcess(python, ['-c', 'import mediapipe, facetrack'], { env: { ...process.env, PYTHONPATH: TRACKER_DIR }, timeoutMs: 60_000 }).then(
    () => true,
    () => false,
  );
}
