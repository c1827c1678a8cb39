// One job on this machine: the state machine over the local adapters, timings per stage, and
// the job's work files removed however it ends.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CropPath, type IngestOutput, IngestOutputSchema, type JobOptions, JobOptionsSchema, type Manifest, ManifestSchema } from '../../core/schemas.ts';
import { keepForEdits } from './keepForEdits.ts';
import { errorMessage } from '../../core/errors.ts';
import type { Logger, ProgressSink } from '../../core/ports.ts';
import { finalize } from '../../stages/finalize.ts';
import { ingest } from '../../stages/ingest.ts';
import { render } from '../../stages/render.ts';
import { score } from '../../stages/score.ts';
import type { StagePorts } from '../../stages/stagePorts.ts';
import { track } from '../../stages/track.ts';
import { transcribe } from '../../stages/transcribe.ts';
import { newJobId } from '../../core/jobId.ts';
import { localModels } from './chooseModels.ts';
import { chooseTracker } from './chooseTracker.ts';
import { localPorts } from './localPorts.ts';
import { type LocalHandlers, runStateMachine } from './stateMachine.ts';
import { keepFresh, makeWorkFolder, sweepStaleWork } from './sweeper.ts';
import type { AddressPolicy } from '../../adapters/http/download.ts';
import { readdir, rm } from 'node:fs/promises';
import { OUTPUT_NAME } from '../../stages/outputNames.ts';
import { inStorageWords } from '../../core/errors.ts';

export const DEFAULT_WORK_ROOT = process.env.CLIPFORGE_WORK_DIR ?? join(tmpdir(), 'clipforge-work');

export interface LocalJobRequest {
  source: string;
  /** An SRT/VTT caption file for the video: used instead of transcription. */
  captions?: string;
  /** How the user knows the source and captions (an upload's file name) when `source` is a server path. */
  sourceName?: string;
  captionsName?: string;
  outDir: string;
  options?: Partial<JobOptions>;
  progress: ProgressSink;
  log: Logger;
  workRoot?: string;
  jobId?: string;
  /** Swap adapters (tests, other providers). */
  ports?: Partial<StagePorts>;
  retryDelayMs?: number;
  signal?: AbortSignal;
  /** Which addresses URL sources and caption URLs may come from (default: public ones only). */
  urlAddresses?: AddressPolicy;
}

/** A job that ended without clips; `kind` is the Step Functions error name. */
export class JobFailedError extends Error {
  override name = 'JobFailedError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

const STAGE_OF: Record<string, string> = {
  Ingest: 'ingest',
  Transcribe: 'transcribe',
  Score: 'score',
  TrackFace: 'track',
  Render: 'render',
  Finalize: 'finalize',
  JobFailed: 'failed',
};

/** Wall time per stage: the time any run of it was busy (clips overlap; waiting in the Map is not counted). */
class StageClock {
  private spans = new Map<string, Array<[number, number]>>();
  async time<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      const list = this.spans.get(stage) ?? [];
      list.push([start, performance.now()]);
      this.spans.set(stage, list);
    }
  }
  seconds(): Record<string, number> {
    return Object.fromEntries([...this.spans].map(([stage, list]) => [stage, unionMs(list) / 1000]));
  }
}

function unionMs(spans: Array<[number, number]>): number {
  let total = 0;
  let until = -Infinity;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (b <= until) continue;
    total += b - Math.max(a, until);
    until = b;
  }
  return total;
}

export { newJobId };

/** Removes the job outputs in `dir` that were not in `before` (never anything else: --out may be a busy folder). */
async function removeNew(dir: string, before: Set<string>): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!before.has(name) && OUTPUT_NAME.test(name)) await rm(join(dir, name), { force: true });
  }
}

export async function runLocalJob(req: LocalJobRequest): Promise<Manifest> {
  const jobId = req.jobId ?? newJobId();
  const options = JobOptionsSchema.parse(req.options ?? {});
  const workRoot = resolve(req.workRoot ?? DEFAULT_WORK_ROOT);
  await makeWorkFolder(join(workRoot, jobId));
  const swept = await sweepStaleWork(workRoot);
  if (swept.length) req.log.info('removed stale work folders', { count: swept.length });
  const stopFreshening = keepFresh(join(workRoot, jobId));
  const outDir = resolve(req.outDir);
  const existing = new Set(await readdir(outDir).catch(() => [] as string[]));

  const ownTracker = req.ports?.tracker ? undefined : await chooseTracker(req.log);
  const tracker = req.ports?.tracker ?? ownTracker!;
  const models = req.ports?.transcriber && req.ports.scorer ? undefined : localModels(req.log);
  const ports = localPorts(
    { work: workRoot, out: resolve(req.outDir) },
    req.progress,
    req.log,
    { tracker, ...models, ...req.ports },
    undefined,
    req.signal,
    req.urlAddresses,
  );
  const clock = new StageClock();
  let failure: { Error?: string; Cause?: string } | undefined;
  // What an edit will need later (src/runtime/local/keepForEdits.ts), as the stages give it.
  let ingested: IngestOutput | undefined;
  let transcriptKey: string | undefined;
  const crops = new Map<number, CropPath>();
  const stages: LocalHandlers = {
    Ingest: async (i) => (ingested = IngestOutputSchema.parse(await ingest(i, ports))),
    Transcribe: async (i) => {
      const out = await transcribe(i, ports);
      transcriptKey = out.transcriptKey;
      return out;
    },
    Score: (i) => score(i, ports),
    TrackFace: async (i) => {
      const crop = await track(i, ports);
      crops.set((i as { clip: { rank: number } }).clip.rank, crop);
      return crop;
    },
    Render: (i) => render(i, ports),
    Finalize: (i) => finalize({ ...(i as object), timings: clock.seconds() }, ports),
    JobFailed: async (i) => {
      failure = (i as { error?: { Error?: string; Cause?: string } }).error;
      req.progress.emit({ jobId, stage: 'failed', pct: 100, message: failure?.Cause ?? 'unknown failure' });
      return {};
    },
  };
  // A failed Map iteration does not stop its siblings; cleanup waits for them to settle.
  const inFlight = new Set<Promise<unknown>>();
  const timed = Object.fromEntries(
    Object.entries(stages).map(([state, fn]) => [
      state,
      (input: unknown) => {
        const run = clock.time(STAGE_OF[state] ?? state, () => fn(input));
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run)).catch(() => undefined);
        return run;
      },
    ]),
  ) as LocalHandlers;

  try {
    const names = { ...(req.sourceName ? { sourceName: req.sourceName } : {}), ...(req.captionsName ? { captionsName: req.captionsName } : {}) };
    const output = await runStateMachine({ jobId, source: req.source, ...(req.captions ? { captions: req.captions } : {}), ...names, options }, timed, {
      ...(req.retryDelayMs !== undefined ? { retryDelayMs: req.retryDelayMs } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    const manifest = ManifestSchema.parse(output);
    if (ingested && transcriptKey) {
      const made = new Map([...crops].filter(([rank]) => manifest.clips.some((c) => c.rank === rank)));
      await keepForEdits({
        jobId,
        ingest: ingested,
        transcriptKey,
        crops: made,
        options,
        jobWork: join(workRoot, jobId),
        outDir,
        work: ports.work,
        outputs: ports.outputs,
      }).catch((e: unknown) => req.log.warn('the clips are made, but what editing them needs could not be kept', { error: errorMessage(e) }));
    }
    return manifest;
  } catch (err) {
    // A failed job leaves no clips without their manifest: what this run wrote into the output
    // folder goes (after the Map's in-flight renders settle); what was there before stays.
    await Promise.allSettled([...inFlight]);
    await removeNew(outDir, existing).catch((e: unknown) => req.log.warn("could not remove a failed job's outputs", { error: String(e) }));
    if (failure) throw new JobFailedError(failure.Error ?? 'Error', inStorageWords(failure.Cause ?? 'unknown failure'));
    throw err;
  } finally {
    await Promise.allSettled([...inFlight]);
    stopFreshening();
    ownTracker?.close?.();
    await ports.work.removePrefix(jobId);
  }
}
