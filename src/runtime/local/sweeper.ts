// Work files of jobs that died without cleaning up: anything not touched for maxAgeMs goes.
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export const SWEEP_AFTER_MS = 30 * 60_000;

export async function sweepStaleWork(root: string, maxAgeMs = SWEEP_AFTER_MS, now = Date.now()): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > maxAgeMs) {
      await rm(path, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** Keeps a running job's folder fresh so a sweeper in another process leaves it alone. */
export function keepFresh(path: string, everyMs = 60_000): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
