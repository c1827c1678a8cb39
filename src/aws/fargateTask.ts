// A Fargate task of the pipeline (track, render, or ingest of a URL source): Step Functions started it with its task
// token and the work-bucket key of its state input in the environment
// (ecs:runTask.waitForTaskToken; the input itself would not fit RunTask's overrides); it runs the
// stage and answers the token, sending heartbeats meanwhile.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { type TaskOutcome, answerTask } from './taskToken.ts';
import { type StageContext, runAwsStage } from './stageRunner.ts';
import { issuesText } from '../core/zodIssues.ts';

/** ingest: URL sources (media URLs, page links via yt-dlp), whose fetching has no bound a Lambda could keep. */
/** transcribe: a job's speech with the offline engine (faster-whisper) when no OpenAI key is set: no 15-minute bound, the model loads once. */
export const FARGATE_STAGES = ['track', 'render', 'ingest', 'transcribe'] as const;
export type FargateStage = (typeof FARGATE_STAGES)[number];

const TaskEnvSchema = z.object({
  TASK_TOKEN: z.string().min(1),
  /** The state input's key in the work bucket. */
  TASK_INPUT_KEY: z.string().min(1),
  TASK_HEARTBEAT_SEC: z.coerce.number().positive().default(60),
});

/** Throws (exit non-zero) only when there is no token to answer or the answer cannot be sent. */
export async function runFargateTask(stage: FargateStage, sfn: SFNClient, ctx: StageContext, env: NodeJS.ProcessEnv = process.env): Promise<TaskOutcome> {
  const parsed = TaskEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`not started by the state machine: ${issuesText(parsed.error)}`);
  const t = parsed.data;
  const input = async () => {
    const object = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: ctx.env.WORK_BUCKET, Key: t.TASK_INPUT_KEY }));
    return JSON.parse(await object.Body!.transformToString('utf8')) as unknown;
  };
  return answerTask(sfn, t.TASK_TOKEN, async (abandoned) => runAwsStage(stage, await input(), { ...ctx, signal: abandoned }), {
    heartbeatMs: t.TASK_HEARTBEAT_SEC * 1000,
    log: ctx.log,
  });
}

/** The job a task works for, from its input's key (jobs/<jobId>/tasks/…); undefined for any other key. */
export function jobIdOfTaskInput(key: string | undefined): string | undefined {
  return key ? /^jobs\/([^/]+)\/tasks\//.exec(key)?.[1] : undefined;
}
