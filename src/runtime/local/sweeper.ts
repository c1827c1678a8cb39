// Work files of jobs that died without cleaning up: a job folder not touched for maxAgeMs goes.
// Only folders a job made (they carry the marker file) are ever removed: CLIPFORGE_WORK_DIR may
// point at a folder that also holds the user's own files.
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SWEEP_AFTER_MS = 30 * 60_000;
/** The file that marks a folder as a job's work folder. */
export const WORK_MARKER = '.clipforge-work';

/** Makes a job's work folder, marked as the sweeper's to remove once stale. */
export async function makeWorkFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, WORK_MARKER), 'a clipforge job work folder; removed when the job ends or 30 minutes after it was last touched\n');
}

export async function sweepStaleWork(root: string, maxAgeMs = SWEEP_AFTER_MS, now = Date.now()): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    const ours = info?.isDirectory() && (await stat(join(path, WORK_MARKER)).catch(() => undefined));
    if (info && ours && now - info.mtimeMs > maxAgeMs) {
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
