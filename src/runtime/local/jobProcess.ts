// One serve job in a process of its own (src/runtime/local/jobChild.ts runs it): whatever a hostile
// source or caption file makes the job do (a parse that eats memory, a step that spins), it does
// it there. Serve's event loop keeps answering, and a job whose process dies fails once with the
// reason while the server lives on, so it is never requeued into a crash loop. The job's FFmpeg,
// Whisper and MediaPipe processes are tied to its process, and it to serve's (setpriv
// --pdeathsig), so nothing outlives a kill.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Manifest, ProgressEvent } from '../../core/schemas.ts';
import { tiedToParent } from '../../media/childLifetime.ts';
import { type LimiterAsk, LimiterDesk, type LimiterGrant } from './limiterRelay.ts';
import { JobFailedError, type LocalJobRequest } from './runJob.ts';

const CHILD = fileURLToPath(new URL('./jobChild.ts', import.meta.url));

/** What crosses to the job's process: the request without its callbacks and signal. */
export type JobProcessRequest = Omit<LocalJobRequest, 'progress' | 'log' | 'signal' | 'ports' | 'urlAddresses'> & {
  urlAddresses: 'any' | 'public';
};

export type ToJobProcess = { type: 'start'; request: JobProcessRequest } | { type: 'cancel'; reason: string } | LimiterGrant;
export type FromJobProcess =
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'log'; level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> }
  | { type: 'done'; manifest: Manifest }
  | { type: 'failed'; kind?: string; message: string }
  | LimiterAsk;

/**
 * A job's heap. Measured here: an ordinary job runs within 32 MB; the heaviest input accepted
 * (a 4-hour video's 19 MB caption file of 110,000 words) within 80-96 MB. The default leaves
 * room for what was not measured (many-hour transcripts, page JSON) and still stops a runaway job
 * long before it takes the machine's memory.
 */
export const JOB_HEAP_MB = 1536;
/** After a cancel, the job's process has this long to remove its work and stop before it is killed. */
const CANCEL_GRACE_MS = 10_000;
const STDERR_KEEP = 8 * 1024;

export interface JobProcessOptions {
  heapMb?: number;
}

/** runLocalJob's contract, run in a process of its own. Only requests with no ports of their own. */
export function runJobInProcess(req: LocalJobRequest, opts: JobProcessOptions = {}): Promise<Manifest> {
  if (req.ports || typeof req.urlAddresses === 'function')
    return Promise.reject(new Error('a job with ports of its own runs in the server process (runLocalJob)'));
  const heapMb = opts.heapMb ?? JOB_HEAP_MB;
  const { progress, log, signal, ports: _ports, urlAddresses, ...rest } = req;
  const request: JobProcessRequest = { ...rest, urlAddresses: urlAddresses ?? 'public' };
  const tied = tiedToParent(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', import.meta.resolve('tsx'), CHILD]);
  const child = spawn(tied.command, tied.args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: process.env });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
  });
  const send = (m: ToJobProcess) => {
    if (child.connected) child.send(m, () => undefined);
  };
  const desk = new LimiterDesk(send);
  let result: { manifest: Manifest } | { error: Error } | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    send({ type: 'cancel', reason: String((signal?.reason as Error | undefined)?.message ?? 'cancelled') });
    killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
  };

  return new Promise<Manifest>((resolve, reject) => {
    child.on('message', (m: FromJobProcess) => {
      switch (m.type) {
        case 'progress':
          progress.emit(m.event);
          break;
        case 'log':
          log[m.level](m.message, m.fields);
          break;
        case 'done':
          result = { manifest: m.manifest };
          break;
        case 'failed':
          result = { error: m.kind ? new JobFailedError(m.kind, m.message) : new Error(m.message) };
          break;
        default:
          desk.handle(m);
      }
    });
    child.on('error', (err) => {
      result ??= { error: new Error(`the job's process could not start: ${err.message}`) };
    });
    child.on('close', (code, sig) => {
      desk.close();
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      if (result && 'manifest' in result) return resolve(result.manifest);
      if (result) return reject(result.error);
      const ended = sig ? `was killed (${sig})` : `stopped (exit ${code})`;
      if (!signal?.aborted) log.warn("a job's process ended without a result", { jobId: req.jobId, code, signal: sig, stderr: stderr.slice(-2000) });
      reject(
        /heap out of memory|Allocation failed/i.test(stderr)
          ? new JobFailedError('WorkerCrashed', `the job needed more memory than a job may use (${heapMb} MB) and was stopped; nothing else was affected`)
          : new JobFailedError('WorkerCrashed', `the job's process ${ended} before it finished; nothing else was affected`),
      );
    });
    send({ type: 'start', request });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
