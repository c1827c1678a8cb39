// The FaceTracker port on the Python MediaPipe tracker (containers/face-tracker): clips go to warm
// subprocesses (warmTrackers.ts) with a timeout. Failures throw with exit code, signal and stderr
// tail; the track stage turns them into a centre crop with the reason recorded.
import { SOURCE_FORMATS } from '../../media/sourceRead.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FaceTracker } from '../../core/ports.ts';
import { PROJECT_ROOT, projectPython } from '../../core/projectRoot.ts';
import { PairSchema, PeopleSchema, type TrackedPath } from '../../core/schemas.ts';
import type { Bars } from '../../media/bars.ts';
import { runProcess } from '../../media/runProcess.ts';
import { WarmTrackers } from './warmTrackers.ts';

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
  pair: PairSchema.optional(),
  people: PeopleSchema.optional(),
});
export type TrackerOutput = z.infer<typeof TrackerOutputSchema>;

const ServeReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: TrackerOutputSchema }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export interface MediapipeTrackerOptions {
  python?: string;
  sampleFps?: number;
  timeoutMs?: number;
  /** Warm tracker processes kept for later clips (default 2, the default clip concurrency). */
  processes?: number;
  /** How long an unused warm process lives (default 60 s). */
  idleMs?: number;
}

/** CLIPFORGE_SOURCE_FORMATS: the tracker's FFmpeg reads the source under the same rule as ours (src/media/sourceRead.ts). */
const TRACKER_ENV = { PYTHONPATH: TRACKER_DIR, GLOG_minloglevel: '2', TF_CPP_MIN_LOG_LEVEL: '2', CLIPFORGE_SOURCE_FORMATS: SOURCE_FORMATS };

export class MediapipeTracker implements FaceTracker {
  readonly name = 'mediapipe';
  readonly warm: WarmTrackers;

  constructor(private readonly opts: MediapipeTrackerOptions = {}) {
    this.warm = new WarmTrackers({
      command: opts.python ?? projectPython(),
      args: ['-m', 'facetrack'],
      env: { ...process.env, ...TRACKER_ENV },
      size: opts.processes ?? 2,
      idleMs: opts.idleMs ?? 60_000,
    });
  }

  /** One fresh process for one range, printing the tracker's own JSON (`clipforge track`). */
  async run(video: string, range: { start: number; end?: number }): Promise<TrackerOutput> {
    const args = ['-m', 'facetrack', video, '--start', range.start.toFixed(3), '--fps', String(this.fps)];
    if (range.end !== undefined) args.push('--end', range.end.toFixed(3));
    const { stdout } = await runProcess(this.opts.python ?? projectPython(), args, {
      env: { ...process.env, ...TRACKER_ENV },
      timeoutMs: this.timeoutMs(range),
    });
    return TrackerOutputSchema.parse(JSON.parse(stdout));
  }

  /** A clip's path from a warm process. */
  async track(
    video: string,
    range: { start: number; end: number },
    frame?: { width: number; height: number },
    aspect = 9 / 16,
    pairAspect?: number,
    bars?: Bars,
    follow?: { x: number; y: number },
  ): Promise<TrackedPath> {
    // The picture inside black bars: cut by the tracker's decoder, at the size it is shown.
    const picture = bars && frame ? { picture: { crop: `${bars.w}:${bars.h}:${bars.x}:${bars.y}`, width: frame.width, height: frame.height } } : {};
    const line = await this.warm.request(
      { video, start: range.start, end: range.end, fps: this.fps, aspect, ...(pairAspect ? { pairAspect } : {}), ...picture, ...(follow ? { follow } : {}) },
      this.timeoutMs(range),
    );
    const reply = ServeReplySchema.parse(JSON.parse(line));
    if (!reply.ok) throw new Error(`facetrack: ${reply.error}`);
    const out = reply.result;
    return {
      crop: out.crop,
      path: out.path,
      fallback: out.fallback,
      faces: out.facesFound,
      ...(out.pair ? { pair: out.pair } : {}),
      ...(out.people ? { people: out.people } : {}),
    };
  }

  close(): void {
    this.warm.close();
  }

  private get fps(): number {
    return this.opts.sampleFps ?? 5;
  }

  private timeoutMs(range: { start: number; end?: number }): number {
    const clipSec = range.end !== undefined ? range.end - range.start : 3600;
    return this.opts.timeoutMs ?? Math.max(60_000, clipSec * 5_000);
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
