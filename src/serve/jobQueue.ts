// The local job queue: bounded workers (default 2) and a bounded backlog; every state change is
// written to the job repository first, so a restart finds queued jobs to run and interrupted ones
// to retry (once) or fail with a reason. Each job runs in a process of its own, so a job that
// crashes fails alone with the reason and the server never restarts over it. Progress goes
// through the shared ProgressPublisher to the store and to listeners (the WebSocket).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ApiError } from '../api/apiError.ts';
import type { JobSource, RenderState } from '../api/schemas.ts';
import type { Logger } from '../core/ports.ts';
import type { Manifest } from '../core/schemas.ts';
import { DEFAULT_WORK_ROOT, JobFailedError, runLocalJob, type LocalJobRequest } from '../runtime/local/runJob.ts';
import type { JobStore } from './jobStore.ts';
import { rmSync } from 'node:fs';
import type { JobEnd, JobRecord, NewJob } from '../jobs/jobRepository.ts';
import { ProgressPublisher } from '../jobs/progressPublisher.ts';
import { runJobInProcess } from '../runtime/local/jobProcess.ts';

export type QueueEvent =
  | { type: 'progress'; jobId: string; stage: string; pct: number; message: string }
  | { type: 'queued'; jobId: string }
  | { type: 'done'; jobId: string; manifest: Manifest }
  | { type: 'failed'; jobId: string; error: string }
  | { type: 'cancelled'; jobId: string }
  | ({ type: 'edit' } & Omit<RenderState, 'changed' | 'createdAt'>);

export interface QueueOptions {
  concurrency: number;
  backlog: number;
  /** Runs of one job, counting runs cut short by a restart. */
  maxAttempts: number;
  dataDir: string;
  /** Turns a job's source into what runLocalJob reads (a path or URL). */
  resolveSource: (s: JobSource) => string;
  /**
   * Replaced in tests. By default a job runs in a process of its own (jobProcess.ts); one given
   * ports of its own (tests' fakes, which cannot cross a process boundary) runs in this one.
   */
  run?: (req: LocalJobRequest) => Promise<Manifest>;
  jobPorts?: LocalJobRequest['ports'];
  /** The heap of each job's process. */
  jobMemoryMb?: number;
  /** Which addresses clients' URL sources may come from: public ones unless serve was told otherwise. */
  urlAddresses?: LocalJobRequest['urlAddresses'];
}

export type LocalJob = JobRecord<JobSource>;

export class JobQueue extends EventEmitter<{ event: [QueueEvent] }> {
  private readonly running = new Map<string, AbortController>();
  private readonly settled = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    readonly store: JobStore,
    private readonly opts: QueueOptions,
    private readonly log: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  private get jobs() {
    return this.store.jobs;
  }

  /** After a restart: jobs that were running go back to the queue (or fail), then work starts. */
  async recover(): Promise<void> {
    for (const job of this.jobs.byStatus('running')) {
      if (job.attempts < this.opts.maxAttempts) {
        await this.record(() => this.jobs.requeue(job.jobId, `interrupted by a restart during ${job.stage ?? 'start-up'}; retrying`));
        this.log.info('requeued an interrupted job', { jobId: job.jobId });
      } else {
        await this.finish(job.jobId, {
          status: 'failed',
          error: `interrupted by restarts ${job.attempts} times (last during ${job.stage ?? 'start-up'}); giving up`,
        });
        // What its runs left: partial clips (never listed: there is no manifest) and its work folder.
        rmSync(this.outDir(job.jobId), { recursive: true, force: true });
        rmSync(join(DEFAULT_WORK_ROOT, job.jobId), { recursive: true, force: true });
      }
    }
    this.pump();
  }

  outDir(jobId: string): string {
    return join(this.opts.dataDir, 'jobs', jobId);
  }

  async submit(job: NewJob<JobSource>): Promise<LocalJob> {
    if (this.full) throw new ApiError(429, `the queue is full (${this.opts.backlog} jobs waiting); try again later`, 30);
    try {
      await this.tracked(() => this.jobs.create(job));
    } catch {
      throw new ApiError(503, `the server cannot record new jobs now (${this.storeFault}); try again later`, 60);
    }
    this.emit('event', { type: 'queued', jobId: job.jobId });
    this.pump();
    return (await this.jobs.get(job.jobId))!;
  }

  async cancel(id: string): Promise<LocalJob | undefined> {
    const job = await this.jobs.get(id);
    if (!job) return undefined;
    const run = this.running.get(id);
    if (run) run.abort(new Error('cancelled'));
    else if (job.status === 'queued') await this.finish(id, { status: 'cancelled', message: 'cancelled before it started' });
    return this.jobs.get(id);
  }

  /**
   * Stops taking work; running jobs are aborted (their FFmpeg and speech processes killed) and
   * stay "running" in the store, so the next start retries them.
   */
  async close(timeoutMs = 15_000): Promise<void> {
    this.closed = true;
    for (const c of this.running.values()) c.abort(new Error('server stopping'));
    await Promise.race([Promise.allSettled([...this.settled.values()]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** The last failure to write the job store (a full or read-only disk), until a write succeeds again. */
  storeFault: string | undefined;

  /** A store write, with its fault recorded (and thrown). */
  private async tracked(op: () => Promise<boolean>): Promise<boolean> {
    try {
      const changed = await op();
      this.storeFault = undefined;
      return changed;
    } catch (err) {
      this.storeFault = (err as Error).message;
      this.log.warn('the job store could not be written', { error: this.storeFault });
      throw err;
    }
  }

  /** A store write whose fault is recorded and reported, never thrown into a callback where it would take the server down. */
  private async record(op: () => Promise<boolean>): Promise<boolean> {
    return this.tracked(op).catch(() => false);
  }

  /** Ends a job and tells listeners; a job that had already ended keeps its end, and nobody is told again. */
  private async finish(jobId: string, how: JobEnd): Promise<void> {
    if (!(await this.record(() => this.jobs.end(jobId, how)))) {
      this.log.info('a job that ended stays as it ended', { jobId, refused: how.status });
      return;
    }
    if (how.status === 'done') this.emit('event', { type: 'done', jobId, manifest: how.manifest });
    else if (how.status === 'failed') this.emit('event', { type: 'failed', jobId, error: how.error });
    else this.emit('event', { type: 'cancelled', jobId });
  }

  private runner(req: LocalJobRequest): Promise<Manifest> {
    if (this.opts.run) return this.opts.run(req);
    if (req.ports || typeof req.urlAddresses === 'function') return runLocalJob(req);
    return runJobInProcess(req, this.opts.jobMemoryMb ? { heapMb: this.opts.jobMemoryMb } : {});
  }

  get full(): boolean {
    return this.jobs.count('queued') >= this.opts.backlog;
  }

  get active(): number {
    return this.running.size;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.running.size < this.opts.concurrency) {
      const next = this.jobs.byStatus('queued', this.opts.concurrency + this.running.size).find((j) => !this.running.has(j.jobId));
      if (!next) return;
      const controller = new AbortController();
      this.running.set(next.jobId, controller);
      const settled = this.run(next, controller).finally(() => {
        this.running.delete(next.jobId);
        this.settled.delete(next.jobId);
        this.pump();
      });
      this.settled.set(next.jobId, settled);
    }
  }

  private async run(job: LocalJob, controller: AbortController): Promise<void> {
    if (!(await this.record(() => this.jobs.start(job.jobId)))) return; // cancelled meanwhile, or the store refused
    let storageFailure: string | undefined;
    const publisher = new ProgressPublisher(
      { progress: (id, u) => this.tracked(() => this.jobs.progress(id, u)) },
      {
        fanOut: (m) => m.type === 'progress' && this.emit('event', m),
        log: this.log,
        // A job whose state cannot be kept stops, with the reason, rather than run on unrecorded.
        onStoreFault: () => {
          storageFailure ??= `the job store cannot be written (${this.storeFault}); free disk space in the data folder and submit the job again`;
          controller.abort();
        },
      },
    );
    let source: string;
    let captions: string | undefined;
    try {
      source = this.opts.resolveSource(job.source);
      captions = job.captions ? this.opts.resolveSource(job.captions) : undefined;
    } catch (err) {
      return this.finish(job.jobId, { status: 'failed', error: `bad input: ${(err as Error).message}` });
    }
    // An upload is named by its file name in messages and the manifest, never by where the server keeps it.
    const uploadName = (s: JobSource | null) => (s && 'uploadId' in s ? this.store.upload(s.uploadId)?.filename : undefined);
    const sourceName = uploadName(job.source);
    const captionsName = uploadName(job.captions);
    let outcome: JobEnd;
    try {
      const manifest = await this.runner({
        jobId: job.jobId,
        source,
        ...(captions ? { captions } : {}),
        ...(sourceName ? { sourceName } : {}),
        ...(captionsName ? { captionsName } : {}),
        outDir: this.outDir(job.jobId),
        options: job.options,
        // Once stopping, nothing more is reported: the job stays "running" for the next start.
        progress: { emit: (e) => this.closed || publisher.emit(e) },
        log: this.log,
        signal: controller.signal,
        urlAddresses: this.opts.urlAddresses ?? 'public',
        ...(this.opts.jobPorts ? { ports: this.opts.jobPorts } : {}),
      });
      outcome = { status: 'done', manifest };
    } catch (err) {
      if (controller.signal.aborted && this.closed) return; // stays "running": recover() decides
      if (storageFailure) outcome = { status: 'failed', error: storageFailure };
      else if (controller.signal.aborted) outcome = { status: 'cancelled', message: 'cancelled' };
      else
        outcome = {
          status: 'failed',
          error: err instanceof JobFailedError ? `${err.kind === 'InputError' ? 'bad input: ' : ''}${err.message}` : String((err as Error)?.message ?? err),
        };
    }
    await publisher.flush(); // every progress message goes out before the final one
    await this.finish(job.jobId, outcome);
  }
}
