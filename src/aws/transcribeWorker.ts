// The transcription worker: the state machine's Transcribe step puts `{taskToken, input}` on the
// transcribe queue and waits; this worker (bounded concurrency on the queue, the OpenAI rate
// limiter inside) runs the transcribe stage and answers with SendTaskSuccess, or SendTaskFailure
// named like the error, so the state machine's Retry and Catch rules apply as they do locally.
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import type { ProgressSink, Storage, Transcriber } from '../core/ports.ts';
import { transcribe } from '../stages/transcribe.ts';

export const TranscribeTaskSchema = z.object({ taskToken: z.string().min(1), input: z.unknown() });

export interface WorkerDeps {
  sfn: SFNClient;
  work: Storage;
  transcriber: Transcriber;
  progress: ProgressSink;
}

/** Runs one task and reports its outcome to Step Functions; throws only if reporting fails. */
export async function runTranscribeTask(body: string, deps: WorkerDeps): Promise<'succeeded' | 'failed'> {
  const task = TranscribeTaskSchema.parse(JSON.parse(body));
  let output: unknown;
  try {
    output = await transcribe(task.input, deps);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    // Step Functions limits: error 256 characters, cause 32,768.
    await deps.sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: e.name.slice(0, 256), cause: e.message.slice(0, 32_000) }));
    return 'failed';
  }
  await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(output) }));
  return 'succeeded';
}
