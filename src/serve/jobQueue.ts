// The local job queue: bounded workers (default 2) and a bounded backlog; every state change is
// written to the store first, so a restart finds queued jobs to run and interrupted ones to retry
// (once) or fail with a reason. Progress goes to the store and to listeners (the WebSocket).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ApiError } from '../api/apiError.ts';
import type { JobSource } from '../api/schemas.ts';
import type { Logger, ProgressSink } from '../core/ports.ts';
import type { Manifest, ProgressEvent } from '../core/schemas.ts';
import { DEFAULT_WORK_ROOT, JobFailedError, runLocalJob, type LocalJobRequest } from '../runtime/local/runJob.ts';
import type { JobRow, JobStore } from './jobStore.ts';
import { rmSync } from 'node:fs';
import { canMove } from '../jobs/status.ts';
import { PROGRESS_STORE_MS } from '../jobs/messages.ts';

export type QueueEvent =
  | { type: 'progress'; jobId: string; stage: string; pct: number; message: string }
  | { type: 'queued'; jobId: string }
  | { type: 'done'; jobId: string; manifest: Manifest }
  | { type: 'failed'; jobId: string; error: string }
  | { type: 'cancelled'; jobId: string };

export interface QueueOptions {
  concurrency: number;
  backlog: number;
  /** Runs of one job, counting runs cut short by a restart. */
  maxAttempts: number;
  dataDir: string;
  /** Turns a job's source into what runLocalJob reads (a path or URL). */
  resolveSource: (s: JobSource) => string;
  /** Replaced in tests; the real job runner by default. */
  run?: (req: LocalJobRequest) => Promise<Manifest>;
  jobPorts?: LocalJobRequest['ports'];
  /** Which addresses clients' URL sources may come from: public ones unless serve was told otherwise. */
  urlAddresses?: LocalJobRequest['urlAddresses'];
}

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

  /** After a restart: jobs that were running go back to the queue (or fail), then work starts. */
  recover(): void {
    for (const job of this.store.byStatus('running')) {
      if (job.attempts < this.opts.maxAttempts) {
        this.write(job.id, { status: 'queued', message: `interrupted by a restart during ${job.stage ?? 'start-up'}; retrying` });
        this.log.info('requeued an interrupted job', { jobId: job.id });
      } else {
        const error = `interrupted by restarts ${job.attempts} times (last during ${job.stage ?? 'start-up'}); giving up`;
        this.write(job.id, { status: 'failed', error, message: error });
        this.emit('event', { type: 'failed', jobId: job.id, error });
        // What its runs left: partial clips (never listed: there is no manifest) and its work folder.
        rmSync(this.outDir(job.id), { recursive: true, force: true });
        rmSync(join(DEFAULT_WORK_ROOT, job.id), { recursive: true, force: true });
      }
    }
    this.pump();
  }

  outDir(jobId: string): string {
    return join(this.opts.dataDir, 'jobs', jobId);
  }

  submit(job: Pick<JobRow, 'id' | 'name' | 'source' | 'captions' | 'options'>): JobRow {
    if (this.store.count('queued') >= this.opts.backlog) {
      throw new ApiError(429, `the queue is full (${this.opts.backlog} jobs waiting); try again later`, 30);
    }
    let row: JobRow;
    try {
      row = this.store.insertJob(job);
    } catch (err) {
      this.storeFault = (err as Error).message;
      throw new ApiError(503, `the server cannot record new jobs now (${this.storeFault}); try again later`, 60);
    }
    this.emit('event', { type: 'queued', jobId: row.id });
    this.pump();
    return this.store.job(row.id)!;
  }

  cancel(id: string): JobRow | undefined {
    const job = this.store.job(id);
    if (!job) return undefined;
    if (job.status === 'queued') {
      this.write(id, { status: 'cancelled', message: 'cancelled before it started' });
      this.emit('event', { type: 'cancelled', jobId: id });
    } else if (job.status === 'running') {
      this.running.get(id)?.abort(new Error('cancelled'));
    }
    return this.store.job(id);
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

  /**
   * Every job-state write: a storage fault (disk full, read-only) is recorded and reported, never
   * thrown into a callback where it would take the whole server down.
   */
  private write(id: string, patch: Parameters<JobStore['update']>[1]): boolean {
    try {
      const from = patch.status ? this.store.job(id)?.status : undefined;
      if (from && patch.status && !canMove(from, patch.status)) {
        this.log.info('a job that ended stays as it ended', { jobId: id, status: from, refused: patch.status });
        return true;
      }
      this.store.update(id, patch);
      this.storeFault = undefined;
      return true;
    } catch (err) {
      this.storeFault = (err as Error).message;
      this.log.warn('the job store could not be written', { jobId: id, error: this.storeFault });
      return false;
    }
  }

  get full(): boolean {
    return this.store.count('queued') >= this.opts.backlog;
  }

  get active(): number {
    return this.running.size;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.running.size < this.opts.concurrency) {
      const next = this.store.byStatus('queued')[0];
      if (!next) return;
      this.start(next);
    }
  }

  private start(job: JobRow): void {
    const controller = new AbortController();
    this.running.set(job.id, controller);
    this.write(job.id, { status: 'running', attempts: job.attempts + 1, error: null });
    const stages = { ...job.stages };
    let written = { stage: '', at: 0 };
    let storageFailure: string | undefined;
    const progress: ProgressSink = {
      emit: (e: ProgressEvent) => {
        if (e.stage === 'failed' || this.closed) return; // the final message says it; or we are stopping
        stages[e.stage] = { pct: e.pct, message: e.message };
        // Listeners hear every event; the store is written on a new stage, at 100%, or every 0.5 s.
        const now = Date.now();
        if (e.stage !== written.stage || e.pct === 100 || now - written.at >= PROGRESS_STORE_MS) {
          // A job whose state cannot be kept stops, with the reason, rather than run on unrecorded.
          if (!this.write(job.id, { stage: e.stage, pct: e.pct, message: e.message, stages }) && !storageFailure) {
            storageFailure = `the job store cannot be written (${this.storeFault}); free disk space in the data folder and submit the job again`;
            controller.abort();
          }
          written = { stage: e.stage, at: now };
        }
        this.emit('event', { type: 'progress', jobId: job.id, stage: e.stage, pct: e.pct, message: e.message });
      },
    };
    const run = this.opts.run ?? runLocalJob;
    let source: string;
    let captions: string | undefined;
    try {
      source = this.opts.resolveSource(job.source);
      captions = job.captions ? this.opts.resolveSource(job.captions) : undefined;
    } catch (err) {
      this.running.delete(job.id);
      const error = `bad input: ${(err as Error).message}`;
      this.write(job.id, { status: 'failed', error, message: error });
      this.emit('event', { type: 'failed', jobId: job.id, error });
      return;
    }
    // An upload is named by its file name in messages and the manifest, never by where the server keeps it.
    const uploadName = (s: JobSource | null) => (s && 'uploadId' in s ? this.store.upload(s.uploadId)?.filename : undefined);
    const sourceName = uploadName(job.source);
    const captionsName = uploadName(job.captions);
    const settled = run({
      jobId: job.id,
      source,
      ...(captions ? { captions } : {}),
      ...(sourceName ? { sourceName } : {}),
      ...(captionsName ? { captionsName } : {}),
      outDir: this.outDir(job.id),
      options: job.options,
      progress,
      log: this.log,
      signal: controller.signal,
      urlAddresses: this.opts.urlAddresses ?? 'public',
      ...(this.opts.jobPorts ? { ports: this.opts.jobPorts } : {}),
    })
      .then(
        (manifest) => {
          this.write(job.id, { status: 'done', manifest, pct: 100, message: `${manifest.clips.length} clips ready` });
          this.emit('event', { type: 'done', jobId: job.id, manifest });
        },
        (err: unknown) => {
          if (controller.signal.aborted && this.closed) return; // stays "running": recover() decides
          if (storageFailure) {
            this.write(job.id, { status: 'failed', error: storageFailure, message: storageFailure });
            this.emit('event', { type: 'failed', jobId: job.id, error: storageFailure });
            return;
          }
          if (controller.signal.aborted) {
            this.write(job.id, { status: 'cancelled', message: 'cancelled' });
            this.emit('event', { type: 'cancelled', jobId: job.id });
            return;
          }
          const error = err instanceof JobFailedError ? `${err.kind === 'InputError' ? 'bad input: ' : ''}${err.message}` : String((err as Error)?.message ?? err);
          this.write(job.id, { status: 'failed', error, message: error });
          this.emit('event', { type: 'failed', jobId: job.id, error });
        },
      )
      .finally(() => {
        this.running.delete(job.id);
        this.settled.delete(job.id);
        this.pump();
      });
    this.settled.set(job.id, settled);
  }
}
