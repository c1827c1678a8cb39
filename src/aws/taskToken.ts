// Answers a Step Functions task token: SendTaskSuccess with the work's output, or SendTaskFailure
// named like the error (so the state machine's Retry/Catch rules match as they do for Lambda
// errors), with heartbeats while the work runs so a task that dies is noticed within the state's
// HeartbeatSeconds instead of its whole timeout.
import {
  InvalidToken,
  type SFNClient,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Logger } from '../core/ports.ts';

export interface AnswerOptions {
  heartbeatMs?: number;
  log?: Logger;
}

/** Step Functions no longer waits on this token: answered before (a redelivered message), timed out, or stopped. */
function nobodyWaiting(err: unknown): boolean {
  return err instanceof TaskTimedOut || err instanceof InvalidToken || err instanceof TaskDoesNotExist;
}

export type TaskOutcome = 'succeeded' | 'failed' | 'stale';

/**
 * Runs `work` and reports its outcome; 'stale' when no execution waits on the token any more (so a
 * duplicate delivery is not retried into the dead-letter queue). Throws only if the outcome
 * cannot be reported.
 */
export async function answerTask(
  sfn: SFNClient,
  taskToken: string,
  work: (abandoned: AbortSignal) => Promise<unknown>,
  opts: AnswerOptions = {},
): Promise<TaskOutcome> {
  try {
    return await report(sfn, taskToken, work, opts);
  } catch (err) {
    if (!nobodyWaiting(err)) throw err;
    opts.log?.warn('task token no longer awaited; answer dropped', { error: (err as Error).name });
    return 'stale';
  }
}

async function report(
  sfn: SFNClient,
  taskToken: string,
  work: (abandoned: AbortSignal) => Promise<unknown>,
  opts: AnswerOptions,
): Promise<'succeeded' | 'failed'> {
  // A refused heartbeat means nobody waits for this work any more (the step timed out, the job was
  // cancelled): stop it at once instead of spending a worker on it.
  const abandoned = new AbortController();
  const heartbeat = () => {
    sfn.send(new SendTaskHeartbeatCommand({ taskToken })).catch((err: unknown) => {
      if (nobodyWaiting(err)) abandoned.abort(err);
      else opts.log?.warn('heartbeat not sent', { error: String(err) });
    });
  };
  const stopped = new Promise<never>((_, reject) => abandoned.signal.addEventListener('abort', () => reject(abandoned.signal.reason), { once: true }));
  stopped.catch(() => undefined);
  // One at once: the state's heartbeat clock has run since the task was asked for (image pull, start).
  if (opts.heartbeatMs) heartbeat();
  const beat = opts.heartbeatMs ? setInterval(heartbeat, opts.heartbeatMs) : undefined;
  let output: unknown;
  try {
    output = await Promise.race([work(abandoned.signal), stopped]);
  } catch (err) {
    if (abandoned.signal.aborted) throw abandoned.signal.reason;
    const e = err instanceof Error ? err : new Error(String(err));
    opts.log?.warn('task failed', { error: e.name, message: e.message });
    // Step Functions limits: error 256 characters, cause 32,768.
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: e.name.slice(0, 256), cause: e.message.slice(0, 32_000) }));
    return 'failed';
  } finally {
    clearInterval(beat);
  }
  await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) }));
  return 'succeeded';
}
