// serve's side of editing: a clip's re-render runs as a small job of its own (an id, progress
// over the WebSocket, an end), at most --concurrency at once, after the edit was checked and the
// clip locked in the request (so bad input is a 400 and a second edit of the clip a 409). The job
// stays done throughout; its stored manifest is replaced once the new version is verified.
import { randomBytes } from 'node:crypto';
import { ApiError } from '../api/apiError.ts';
import type { RenderState, TranscriptView } from '../api/schemas.ts';
import { errorMessage, inStorageWords } from '../core/errors.ts';
import type { FaceTracker, Logger } from '../core/ports.ts';
import { transcriptView } from '../editing/transcriptView.ts';
import { type EditRequest, type EditTask, runEdit, startEdit } from '../editing/editClip.ts';
import { editApiError } from '../api/editErrors.ts';
import type { ClipEdit, NewClip } from '../editing/editSchemas.ts';
import { readKept } from '../editing/jobKeep.ts';
import { DiskStorage } from '../adapters/local/diskStorage.ts';
import { MemoryEditLocks } from '../adapters/local/editLocks.ts';
import { type LocalEditPorts, localEditPorts } from '../runtime/local/editPorts.ts';
import type { StagePorts } from '../stages/stagePorts.ts';
import type { JobQueue, QueueEvent } from './jobQueue.ts';
import { CentreTracker } from '../adapters/face/centreTracker.ts';
import { chooseTracker } from '../runtime/local/chooseTracker.ts';

/** Ended re-renders each job remembers for its detail (a reloaded page finds how its render went). */
const KEEP_ENDED = 10;

export class ClipEditor {
  private readonly renders = new Map<string, RenderState>();
  private readonly locks = new MemoryEditLocks();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private tracker: Promise<FaceTracker> | undefined;

  constructor(
    private readonly queue: JobQueue,
    private readonly opts: { concurrency: number; log: Logger; overrides?: Partial<StagePorts> | undefined },
  ) {}

  /** Why the job cannot be deleted now (a re-render of it runs), or undefined. */
  busy(jobId: string): string | undefined {
    return this.of(jobId).some((r) => r.status === 'running') ? `a clip of job ${jobId} is being re-rendered` : undefined;
  }

  /** This job's re-renders, newest first. */
  of(jobId: string): RenderState[] {
    return [...this.renders.values()].filter((r) => r.jobId === jobId).reverse();
  }

  async transcript(jobId: string): Promise<TranscriptView | undefined> {
    const job = await this.queue.store.jobs.get(jobId);
    if (!job) return undefined;
    return transcriptView(await this.kept(jobId, job.status));
  }

  async edit(jobId: string, rank: number, edit: ClipEdit): Promise<RenderState | undefined> {
    return this.start(jobId, { rank, edit });
  }

  async add(jobId: string, req: NewClip): Promise<RenderState | undefined> {
    return this.start(jobId, { newClip: req });
  }

  private async kept(jobId: string, status: string) {
    if (status !== 'done') throw new ApiError(409, `job ${jobId} is ${status}: its clips can be edited once it is done`);
    return readKept(new DiskStorage(this.queue.outDir(jobId))).catch((err: unknown) => {
      throw editApiError(err);
    });
  }

  private async start(jobId: string, req: EditRequest): Promise<RenderState | undefined> {
    const job = await this.queue.store.jobs.get(jobId);
    if (!job) return undefined;
    await this.kept(jobId, job.status);
    const renderId = `r${randomBytes(6).toString('hex')}`;
    let state: RenderState | undefined;
    const publish = (change: Partial<RenderState>) => {
      if (!state) return;
      state = { ...state, ...change };
      this.renders.set(renderId, state);
      const { changed: _c, createdAt: _t, ...event } = state;
      this.queue.emit('event', { type: 'edit', ...event } as QueueEvent);
    };
    this.tracker ??= this.opts.overrides?.tracker
      ? Promise.resolve(this.opts.overrides.tracker)
      : chooseTracker(this.opts.log).catch(() => new CentreTracker('face tracking unavailable'));
    const ports = localEditPorts(this.queue.outDir(jobId), {
      log: this.opts.log,
      tracker: await this.tracker,
      locks: this.locks.forJob(jobId),
      progress: { emit: (e) => publish({ pct: Math.min(99, e.stage === 'track' ? e.pct * 0.2 : 20 + e.pct * 0.8), message: e.message }) },
      ...(this.opts.overrides ? { overrides: this.opts.overrides } : {}),
    });
    const prepared = await startEdit(req, renderId, ports).catch((err: unknown) => {
      throw editApiError(err);
    });
    state = {
      renderId,
      jobId,
      rank: prepared.rank,
      version: prepared.version,
      changed: prepared.changed,
      status: 'running',
      pct: 0,
      message: 'waiting for a free worker',
      error: null,
      createdAt: new Date().toISOString(),
    };
    this.renders.set(renderId, state);
    this.forget(jobId);
    void this.run(jobId, prepared, ports, publish);
    return state;
  }

  private async run(jobId: string, prepared: EditTask, ports: LocalEditPorts, publish: (s: Partial<RenderState>) => void): Promise<void> {
    await this.slot();
    try {
      publish({ message: `clip ${prepared.rank}: rendering version ${prepared.version}` });
      await runEdit(prepared, ports);
      const manifest = await readKept(new DiskStorage(this.queue.outDir(jobId))).then((k) => k.manifest);
      this.queue.store.jobs.replaceManifest(jobId, manifest);
      publish({ status: 'done', pct: 100, message: `clip ${prepared.rank}: version ${prepared.version} ready` });
      this.queue.emit('event', { type: 'done', jobId, manifest });
    } catch (err) {
      const why = inStorageWords(errorMessage(err));
      this.opts.log.warn('a re-render failed', { jobId, clip: prepared.rank, error: why });
      publish({ status: 'failed', pct: 100, message: `clip ${prepared.rank}: re-render failed; the clip is as it was`, error: why });
    } finally {
      // The slot passes straight to the next waiting render, so none can slip in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private async slot(): Promise<void> {
    if (this.running < this.opts.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  /** Ended renders beyond the last few of a job are forgotten. */
  private forget(jobId: string): void {
    const ended = this.of(jobId).filter((r) => r.status !== 'running');
    for (const r of ended.slice(KEEP_ENDED)) this.renders.delete(r.renderId);
  }
}
