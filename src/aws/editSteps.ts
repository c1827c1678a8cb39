// An edit's steps on AWS (the StartEdit, PublishEdit and EditFailed states of the shared
// definition; track and render are the job's own Fargate tasks): the use case of
// src/editing/editClip.ts over S3, the job's DynamoDB record (its locks, its manifest) and the
// WebSocket, where each step pushes the edit's progress as `edit` messages.
import { z } from 'zod';
import { DynamoEditLocks } from '../adapters/aws/dynamoEditLocks.ts';
import { DynamoJobRepository } from '../adapters/aws/dynamoJobRepository.ts';
import { rm } from 'node:fs/promises';
import { s3Fingerprint } from '../adapters/aws/s3Fingerprint.ts';
import type { S3Storage } from '../adapters/aws/s3Storage.ts';
import { failureReason } from '../core/failureReason.ts';
import type { Logger, ProgressSink } from '../core/ports.ts';
import type { ProgressEvent } from '../core/schemas.ts';
import { type EditPorts, EditTaskSchema, type EditRequest, abandonEdit, publishEdit, startEdit } from '../editing/editClip.ts';
import { ClipEditSchema, NewClipSchema } from '../editing/editSchemas.ts';
import { messages, type ServerMessage } from '../jobs/messages.ts';
import type { AwsStageEnv } from './awsEnv.ts';
import { type AwsClients, awsStagePorts, outcomeDeps } from './awsPorts.ts';
import { push } from './connections.ts';
import { outputPrefix } from './jobOutcome.ts';
import { writeJobZip } from './jobZip.ts';

/** What an edit execution starts with: the job, and the edit (a clip's rank and its changes, or a clip by hand). */
export const EditRequestSchema = z.object({
  renderId: z.string().min(1).max(64),
  rank: z.number().int().positive().optional(),
  edit: ClipEditSchema.optional(),
  newClip: NewClipSchema.optional(),
});
export type EditExecutionRequest = z.infer<typeof EditRequestSchema>;

export function editRequestOf(e: EditExecutionRequest): EditRequest {
  if (e.newClip) return { newClip: e.newClip };
  if (e.rank !== undefined && e.edit) return { rank: e.rank, edit: e.edit };
  throw new Error('an edit names a clip and its changes, or a new clip');
}

const StartInputSchema = z.object({ jobId: z.string(), edit: EditRequestSchema });
const PublishInputSchema = z.object({ jobId: z.string(), editTask: EditTaskSchema, output: z.unknown() });
const FailedInputSchema = z.object({
  jobId: z.string(),
  edit: EditRequestSchema,
  editTask: EditTaskSchema.optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).default({}),
});

type EditRef = { jobId: string; renderId: string; rank: number; version: number };
const editMessage = (r: EditRef, status: 'running' | 'done' | 'failed', pct: number, message: string, error: string | null = null): ServerMessage => ({
  type: 'edit',
  ...r,
  status,
  pct,
  message,
  error,
});

/** An edit's progress: pushed to the job's subscribers as `edit` messages (the job's record stays as it ended). */
export function editProgress(env: AwsStageEnv, c: AwsClients, r: EditRef, log: Logger): ProgressSink & { flush(): Promise<void> } {
  const deps = outcomeDeps(env, c);
  let chain: Promise<unknown> = Promise.resolve();
  const send = (m: ServerMessage) => {
    chain = chain
      .then(() => push(deps.connections, deps.api, r.jobId, m))
      .catch((err: unknown) => log.warn('edit progress not delivered', { error: String(err) }));
  };
  return {
    emit: (e: ProgressEvent) => send(editMessage(r, 'running', Math.min(99, Math.round(e.stage === 'track' ? e.pct * 0.2 : 20 + e.pct * 0.79)), e.message)),
    flush: async () => void (await chain),
  };
}

function editPorts(env: AwsStageEnv, c: AwsClients, jobId: string, log: Logger, progress: ProgressSink): EditPorts & { scratch: string } {
  const p = awsStagePorts(env, c, jobId, log);
  const outputs = p.outputs as S3Storage;
  return {
    work: p.work,
    outputs,
    sources: p.sources,
    progress,
    log,
    fingerprint: (ref) => s3Fingerprint(c.s3, ref),
    keptSource: async (name) => outputs.uriOf(name),
    locks: new DynamoEditLocks(c.ddb, env.JOBS_TABLE, jobId),
    scratch: p.scratch,
  };
}

async function pushNow(env: AwsStageEnv, c: AwsClients, jobId: string, m: ServerMessage): Promise<void> {
  const deps = outcomeDeps(env, c);
  await push(deps.connections, deps.api, jobId, m);
}

export async function runEditStep(
  step: 'startEdit' | 'publishEdit' | 'editFailed',
  input: unknown,
  env: AwsStageEnv,
  c: AwsClients,
  log: Logger,
): Promise<unknown> {
  const made: string[] = [];
  const ports = (jobId: string) => {
    const p = editPorts(env, c, jobId, log, { emit: () => undefined });
    made.push(p.scratch);
    return p;
  };
  try {
    return await runStep(step, input, env, c, ports);
  } finally {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  }
}

async function runStep(
  step: 'startEdit' | 'publishEdit' | 'editFailed',
  input: unknown,
  env: AwsStageEnv,
  c: AwsClients,
  portsOf: (jobId: string) => EditPorts,
): Promise<unknown> {
  if (step === 'startEdit') {
    const { jobId, edit } = StartInputSchema.parse(input);
    const ports = portsOf(jobId);
    const t = await startEdit(editRequestOf(edit), edit.renderId, ports);
    await pushNow(env, c, jobId, editMessage(t, 'running', 0, `clip ${t.rank}: rendering version ${t.version}`));
    return t;
  }
  if (step === 'publishEdit') {
    const { jobId, editTask, output } = PublishInputSchema.parse(input);
    const ports = portsOf(jobId);
    const { manifest } = await publishEdit(editTask, { crop: editTask.crop, output }, ports);
    await new DynamoJobRepository(c.ddb, env.JOBS_TABLE).replaceManifest(jobId, manifest);
    await writeJobZip(c.s3, env.OUTPUTS_BUCKET, outputPrefix(jobId), manifest);
    await pushNow(env, c, jobId, editMessage(editTask, 'done', 100, `clip ${editTask.rank}: version ${editTask.version} ready`));
    await pushNow(env, c, jobId, messages.done(jobId, manifest));
    return { rank: editTask.rank, version: editTask.version };
  }
  const { jobId, edit, editTask, error } = FailedInputSchema.parse(input);
  const reason = failureReason(error);
  if (editTask) await abandonEdit(editTask, portsOf(jobId), reason);
  const ref = { jobId, renderId: edit.renderId, rank: editTask?.rank ?? edit.rank ?? 0, version: editTask?.version ?? 0 };
  await pushNow(env, c, jobId, editMessage(ref, 'failed', 100, `clip ${ref.rank || 'by hand'}: not re-rendered; the clip is as it was`, reason));
  return {};
}
