// The job repository in memory: the unit tests' fake, and the plainest statement of what the
// SQLite and DynamoDB ones must do (the same contract suite runs against all three).
import { DEFAULT_LIST_LIMIT, type JobEnd, type JobRecord, type JobRepository, type NewJob, type ProgressUpdate, endMessage } from './jobRepository.ts';
import { canMove } from './status.ts';

export class MemoryJobRepository<S = unknown> implements JobRepository<S> {
  private readonly jobs = new Map<string, JobRecord<S>>();
  private clock = 0;

  /** Strictly increasing times, so "newest first" is well defined within one millisecond. */
  private now(): string {
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock).toISOString();
  }

  async create(job: NewJob<S>): Promise<boolean> {
    if (this.jobs.has(job.jobId)) return false;
    const at = this.now();
    this.jobs.set(job.jobId, {
      ...structuredClone(job),
      status: 'queued',
      attempts: 0,
      createdAt: at,
      updatedAt: at,
      stage: null,
      pct: 0,
      message: null,
      error: null,
      stages: {},
      manifest: null,
    });
    return true;
  }

  async get(jobId: string): Promise<JobRecord<S> | undefined> {
    const j = this.jobs.get(jobId);
    return j && structuredClone(j);
  }

  async list(limit = DEFAULT_LIST_LIMIT): Promise<JobRecord<S>[]> {
    return [...this.jobs.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
      .map((j) => ({ ...structuredClone(j), manifest: null, stages: {} }));
  }

  async start(jobId: string): Promise<boolean> {
    return this.move(jobId, 'running', (j) => ({ attempts: j.attempts + 1, error: null }));
  }

  async progress(jobId: string, u: ProgressUpdate): Promise<boolean> {
    return this.move(jobId, 'running', (j) => ({
      stage: u.stage,
      pct: u.pct,
      message: u.message,
      stages: { ...j.stages, [u.stage]: { pct: u.pct, message: u.message } },
    }));
  }

  async end(jobId: string, how: JobEnd): Promise<boolean> {
    return this.move(jobId, how.status, () => ({
      message: endMessage(how),
      ...(how.status === 'done' ? { manifest: how.manifest, pct: 100 } : {}),
      ...(how.status === 'failed' ? { error: how.error } : {}),
    }));
  }

  private move(jobId: string, to: JobRecord['status'], patch: (j: JobRecord<S>) => Partial<JobRecord<S>>): boolean {
    const j = this.jobs.get(jobId);
    if (!j || !canMove(j.status, to)) return false;
    Object.assign(j, patch(j), { status: to, updatedAt: this.now() });
    return true;
  }
}
