// How long serve keeps a job: until it is deleted (DELETE /jobs/{id} on an ended job) or its
// last change is older than --keep-days (default 30). A job goes whole: its record, its clips,
// its transcript and kept source, and the uploads it was made from.
import { rm } from 'node:fs/promises';
import { ApiError } from '../api/apiError.ts';
import type { JobSource } from '../api/schemas.ts';
import type { Logger } from '../core/ports.ts';
import { isOpen } from '../jobs/status.ts';
import type { JobQueue } from './jobQueue.ts';

export const DEFAULT_KEEP_DAYS = 30;
/** How often old jobs are looked for. */
const SWEEP_EVERY_MS = 3600_000;

/** Removes an ended job and everything it kept; false when there is no such job. `busy`: a reason it cannot go now. */
export async function removeJob(queue: JobQueue, jobId: string, busy?: string): Promise<boolean> {
  const job = queue.store.jobs.getNow(jobId);
  if (!job) return false;
  if (isOpen(job.status)) throw new ApiError(409, `job ${jobId} is ${job.status}: cancel it first`);
  if (busy) throw new ApiError(409, busy);
  // The record goes first: a crash halfway leaves files without a job (the sweep of the data
  // folder takes them), never a job whose clips are gone.
  if (!queue.store.jobs.remove(jobId)) return false;
  const uploads = [job.source, job.captions].filter((s): s is JobSource & { uploadId: string } => !!s && 'uploadId' in s);
  for (const u of uploads) {
    const row = queue.store.upload(u.uploadId);
    if (row) await rm(row.path, { force: true });
    queue.store.removeUpload(u.uploadId);
  }
  await rm(queue.outDir(jobId), { recursive: true, force: true });
  return true;
}

/** Removes ended jobs older than `keepDays` now and every hour; returns the stop. */
export function keepJobs(queue: JobQueue, keepDays: number, log: Logger, busy: (jobId: string) => string | undefined): () => void {
  const sweep = async () => {
    const before = new Date(Date.now() - keepDays * 86_400_000).toISOString();
    let removed = 0;
    for (const id of queue.store.jobs.endedBefore(before)) {
      if (busy(id)) continue;
      if (await removeJob(queue, id).catch(() => false)) removed++;
    }
    if (removed) log.info(`removed ${removed} job${removed === 1 ? '' : 's'} older than ${keepDays} days`, { removed });
  };
  void sweep();
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
