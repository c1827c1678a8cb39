// The job record and the port both runtimes keep it behind: SQLite for `serve`
// (src/adapters/local/sqliteJobRepository.ts), DynamoDB on AWS
// (src/adapters/aws/dynamoJobRepository.ts), memory for unit tests. Every implementation applies
// the moves of src/jobs/status.ts in the write itself, so a late event, a retried stage or a
// redelivered message never revives a job that ended; one contract suite
// (test/jobs/jobRepository.contract.test.ts) runs against all three.
import type { JobOptions, Manifest } from '../core/schemas.ts';
import type { JobStatus } from './status.ts';

/** What each stage last reported. */
export type StageProgress = Record<string, { pct: number; message: string }>;

/** `S` is how a runtime names a job's source: serve keeps the API's source object, AWS a URI. */
export interface JobRecord<S = unknown> {
  jobId: string;
  status: JobStatus;
  name: string;
  source: S;
  captions: S | null;
  options: Partial<JobOptions>;
  /** Runs started, counting one cut short by a restart. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  stage: string | null;
  pct: number;
  message: string | null;
  error: string | null;
  stages: StageProgress;
  manifest: Manifest | null;
  /** Who created it (AWS: the caller's IAM identity; src/api/caller.ts); none for inbox uploads and serve. */
  owner?: string | undefined;
}

export type NewJob<S = unknown> = Pick<JobRecord<S>, 'jobId' | 'name' | 'source' | 'captions' | 'options' | 'owner'>;

export interface ProgressUpdate {
  stage: string;
  pct: number;
  message: string;
}

/** How a job ends; the first end a job reaches is the one it keeps. */
export type JobEnd = { status: 'done'; manifest: Manifest } | { status: 'failed'; error: string } | { status: 'cancelled'; message: string };

export interface JobRepository<S = unknown> {
  /** Records a new queued job; false when a job with its id exists (a repeated request). */
  create(job: NewJob<S>): Promise<boolean>;
  get(jobId: string): Promise<JobRecord<S> | undefined>;
  /** The newest `limit` jobs, newest first, as summaries: manifest null, stages {} (a manifest is tens of KB). */
  list(limit?: number): Promise<JobRecord<S>[]>;
  /** A run begins: running, one more attempt, no error. False when the job ended. */
  start(jobId: string): Promise<boolean>;
  /** Where the job is (and that it runs). False when it ended: nothing is written. */
  progress(jobId: string, update: ProgressUpdate): Promise<boolean>;
  /** Ends an open job. False when it had already ended (or does not exist): nothing is written. */
  end(jobId: string, how: JobEnd): Promise<boolean>;
}

/** The message a job's record shows when it ends. */
export function endMessage(how: JobEnd): string {
  if (how.status === 'done') {
    const n = how.manifest.clips.length;
    return `${n} clip${n === 1 ? '' : 's'} ready`;
  }
  return how.status === 'failed' ? how.error : how.message;
}

/** How many jobs a list returns unless told otherwise. */
export const DEFAULT_LIST_LIMIT = 200;
