// Progress of a running job, for both runtimes: each event is stored in the job's record (at most
// every PROGRESS_STORE_MS within a stage, always on a new stage or at 100%) and fanned out to its
// subscribers, in order. emit() is synchronous like every ProgressSink; the writes run one after
// another behind it and flush() waits for them. Once the record refuses an update (the job ended:
// cancelled, finished), nothing more is pushed for it.
import type { Logger, ProgressSink } from '../core/ports.ts';
import type { ProgressEvent } from '../core/schemas.ts';
import type { JobRepository } from './jobRepository.ts';
import { PROGRESS_STORE_MS, type ServerMessage, messages } from './messages.ts';

export interface PublisherOptions {
  /** Where messages go: serve's WebSocket subscribers, or API Gateway connections on AWS. */
  fanOut: (message: ServerMessage) => unknown;
  log?: Logger | undefined;
  /** A store write that threw (a full disk, a throttled table): the runtime decides what that means. */
  onStoreFault?: ((err: unknown) => void) | undefined;
  storeEveryMs?: number;
}

export class ProgressPublisher implements ProgressSink {
  private chain: Promise<void> = Promise.resolve();
  private lastWrite = { stage: '', at: 0 };
  private ended = false;

  constructor(
    private readonly jobs: Pick<JobRepository, 'progress'>,
    private readonly opts: PublisherOptions,
  ) {}

  emit(e: ProgressEvent): void {
    // A failure's report is the job's final message (src/jobs/messages.ts), not progress.
    if (e.stage === 'failed') return;
    const now = Date.now();
    const store = e.stage !== this.lastWrite.stage || e.pct === 100 || now - this.lastWrite.at >= (this.opts.storeEveryMs ?? PROGRESS_STORE_MS);
    if (store) this.lastWrite = { stage: e.stage, at: now };
    this.chain = this.chain.then(() => this.publish(e, store));
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private async publish(e: ProgressEvent, store: boolean): Promise<void> {
    if (this.ended) return;
    try {
      if (store && !(await this.jobs.progress(e.jobId, { stage: e.stage, pct: e.pct, message: e.message }))) {
        this.ended = true; // cancelled or finished meanwhile: its subscribers already had the final message
        return;
      }
    } catch (err) {
      this.opts.log?.warn('progress not stored', { jobId: e.jobId, error: String(err) });
      this.opts.onStoreFault?.(err);
    }
    try {
      await this.opts.fanOut(messages.progress(e.jobId, e.stage, e.pct, e.message));
    } catch (err) {
      this.opts.log?.warn('progress not delivered', { jobId: e.jobId, error: String(err) }); // progress never fails a stage
    }
  }
}
