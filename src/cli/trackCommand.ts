// `clipforge track <video>`: the face tracker's crop path as JSON, for one range of a video.
import { parseArgs } from 'node:util';
import { MediapipeTracker } from '../adapters/face/mediapipeTracker.ts';
import { UsageError } from './usageError.ts';

export const TRACK_USAGE = 'usage: clipforge track <video> [--start S] [--end S] [--fps F] [--json]';

export async function trackCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { start: { type: 'string' }, end: { type: 'string' }, fps: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${TRACK_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`give exactly one video\n${TRACK_USAGE}`);
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of seconds, got "${v}"`);
    return n;
  };
  const start = num('start', values.start) ?? 0;
  const end = num('end', values.end);
  if (end !== undefined && end <= start) throw new UsageError('--end must be after --start');
  const fps = num('fps', values.fps);
  const tracker = new MediapipeTracker(fps ? { sampleFps: fps } : {});
  const out = await tracker.run(positionals[0]!, end !== undefined ? { start, end } : { start });
  process.stdout.write(`${JSON.stringify(out, null, values.json ? 2 : 0)}\n`);
  return 0;
}
