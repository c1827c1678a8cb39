// A job's statuses and the moves between them, for both runtimes (the SQLite store of `serve`,
// the DynamoDB records on AWS). The rule that matters: a job that ended (done, failed,
// cancelled) is never revived, whatever arrives late (a progress event, a retried stage, a
// redelivered message).

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Where a job may go from each status. running -> queued: a restart puts an interrupted job back. */
const MOVES: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['running', 'done', 'failed', 'cancelled', 'queued'],
  done: [],
  failed: [],
  cancelled: [],
};

/** The statuses a job can still change from. */
export const OPEN_STATUSES = JOB_STATUSES.filter((s) => MOVES[s].length > 0);

export const canMove = (from: JobStatus, to: JobStatus): boolean => MOVES[from].includes(to);
export const isOpen = (status: JobStatus): boolean => OPEN_STATUSES.includes(status);

/** The statuses a job may be in for a write that moves it to `to` (a store's write condition). */
export const statusesInto = (to: JobStatus): JobStatus[] => JOB_STATUSES.filter((s) => canMove(s, to));
