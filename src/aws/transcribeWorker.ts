// The transcription worker: the state machine's Transcribe step puts `{taskToken, input}` on the
// transcribe queue and waits; this worker (bounded concurrency on the queue, the OpenAI rate
// limiter inside) runs the transcribe stage and answers the token, so the state machine's Retry
// and Catch rules apply as they do locally.
import type { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import type { Logger, Transcriber } from '../core/ports.ts';
import { type TaskOutcome, answerTask } from './taskToken.ts';

export const TranscribeTaskSchema = z.object({ taskToken: z.string().min(1), input: z.unknown() });

/** Heartbeats while transcribing: each one asks Step Functions whether the task is still awaited (a refused one stops the work). */
export const TRANSCRIBE_HEARTBEAT_MS = 60_000;

export interface WorkerDeps {
  sfn: SFNClient;
  heartbeatMs?: number;
  /** Runs the transcribe stage on the task's input; `abandoned` fires when Step Functions no longer waits for it. */
  run: (input: unknown, abandoned: AbortSignal) => Promise<unknown>;
  log?: Logger;
}

/** Runs one task and reports its outcome to Step Functions; throws only if the message is malformed or reporting fails. */
export async function runTranscribeTask(body: string, deps: WorkerDeps): Promise<TaskOutcome> {
  const task = TranscribeTaskSchema.parse(JSON.parse(body));
  return answerTask(deps.sfn, task.taskToken, (abandoned) => deps.run(task.input, abandoned), {
    heartbeatMs: deps.heartbeatMs ?? TRANSCRIBE_HEARTBEAT_MS,
    ...(deps.log ? { log: deps.log } : {}),
  });
}

/** Not a fault of the input and not transient: the deployment lacks a setting. Never retried. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Stands in for Whisper when the key secret is empty: jobs with caption files still work. */
export function missingKeyTranscriber(secretName: string): Transcriber {
  return {
    name: 'openai',
    model: 'none',
    transcribe: () => Promise.reject(new ConfigError(`no OpenAI API key: put it in the secret ${secretName} (see the README), or give the job a caption file`)),
  };
}
