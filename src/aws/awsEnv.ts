// What the stage Lambdas and Fargate tasks are told by the stack (environment variables).
import { z } from 'zod';
import { readEnv } from './readEnv.ts';

export const AwsStageEnvSchema = z.object({
  WORK_BUCKET: z.string().min(1),
  OUTPUTS_BUCKET: z.string().min(1),
  JOBS_TABLE: z.string().min(1),
  CONNECTIONS_TABLE: z.string().min(1),
  /** The WebSocket API's Management API endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}). */
  WS_CALLBACK_URL: z.url(),
  /**
   * Which addresses URL sources may come from: 'public' (the default; a function can reach its
   * runtime API on 127.0.0.1 and a task its credentials on 169.254.170.2), or 'any' for a
   * rehearsal against servers on loopback.
   */
  CLIPFORGE_URL_ADDRESSES: z.enum(['public', 'any']).default('public'),
  /** Seconds of audio per transcription span (default 1200: src/stages/transcribeSpans.ts). */
  CLIPFORGE_TRANSCRIBE_SPAN_SEC: z.coerce.number().positive().optional(),
  /** Local copies of objects (Lambda: /tmp; Fargate: the task's ephemeral disk). */
  SCRATCH_DIR: z.string().default('/tmp/clipforge'),
});
export type AwsStageEnv = z.infer<typeof AwsStageEnvSchema>;

export const stageEnv = (env: NodeJS.ProcessEnv = process.env): AwsStageEnv => readEnv(AwsStageEnvSchema, 'stage', env);
