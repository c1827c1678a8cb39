// Intake: what arrives on the intake queue (an S3 upload notification, or a job request from the
// HTTP API) becomes exactly one job record and one Step Functions execution. Duplicates are
// harmless: the job record is written only if absent, and an execution is named by its job id
// (Step Functions returns the existing execution for the same name and input).
import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, ListExecutionsCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { z } from 'zod';
import { JobOptionsSchema } from '../core/schemas.ts';
import { ID_PATTERN } from '../core/jobId.ts';
import type { JobRepository } from '../jobs/jobRepository.ts';
import { sourceName } from '../jobs/sourceName.ts';
import { isOpen } from '../jobs/status.ts';

/** A job request the HTTP API puts on the queue (it made the job id). */
export const QueuedJobSchema = z.object({
  kind: z.literal('job'),
  jobId: z.string().regex(ID_PATTERN),
  source: z.string().min(1),
  captions: z.string().min(1).optional(),
  options: JobOptionsSchema.optional(),
  /** How many times it waited for a free place (admission control). */
  waits: z.number().int().nonnegative().optional(),
});
export type QueuedJob = z.infer<typeof QueuedJobSchema>;

/**
 * An S3 notification, read with Powertools' S3 record schema narrowed to the fields intake uses.
 * The whole schema would refuse real uploads: it takes only IPv4 for `sourceIPAddress` (an upload
 * over S3's dual-stack endpoints comes from IPv6), and emulators (moto) leave out the identity
 * fields — a job must not depend on fields it never reads.
 */
const S3Record = S3Schema.shape.Records.element;
const S3RecordSchema = S3Record.pick({ eventSource: true, eventName: true }).extend({
  s3: S3Record.shape.s3.pick({ object: true }).extend({ bucket: S3Record.shape.s3.shape.bucket.pick({ name: true }) }),
});
const S3EventSchema = z.object({
  Records: z.array(S3RecordSchema.refine((r) => r.eventName.startsWith('ObjectCreated:'), 'only ObjectCreated events make jobs')).min(1),
});
/** S3 sends this once when notifications are set up; it carries no upload. */
const S3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });

export class BadMessage extends Error {
  override name = 'BadMessage';
}

/** Job requests in one queue message body; an S3 test event gives none. */
export function jobsFromMessage(body: string): QueuedJob[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadMessage(`not JSON: ${body.slice(0, 80)}`);
  }
  if (S3TestEventSchema.safeParse(json).success) return [];
  const queued = QueuedJobSchema.safeParse(json);
  if (queued.success) return [queued.data];
  const s3 = S3EventSchema.safeParse(json);
  if (!s3.success) throw new BadMessage(`neither a job request nor an S3 upload event: ${s3.error.issues[0]?.message}`);
  return s3.data.Records.map((r) => {
    // S3 URL-encodes keys in events, with '+' for spaces.
    const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
    const identity = `${r.s3.bucket.name}/${key}@${r.s3.object.eTag ?? r.s3.object.sequencer ?? r.s3.object.size}`;
    return { kind: 'job' as const, jobId: `up-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}`, source: `s3://${r.s3.bucket.name}/${key}` };
  });
}

export interface IntakeDeps {
  jobs: JobRepository<string>;
  sfn: SFNClient;
  stateMachineArn: string;
  /**
   * Admission control: at most this many jobs run at once (each runs up to its clip concurrency
   * of 2-vCPU Fargate tasks: 100 uploads at once asked for 400 vCPUs). A job over the limit waits.
   */
  maxRunning?: number;
  /** Puts the request back on the intake queue to be tried again after `delaySec` (a fresh message, so waiting never dead-letters it). */
  requeue?: (job: QueuedJob, delaySec: number) => Promise<void>;
}

/** How long a job over the running limit waits before it is tried again (SQS allows up to 900 s of delay). */
export const ADMISSION_WAIT_SEC = 60;

/** Whether `maxRunning` executions already run (a page of that many is enough to tell). */
async function atCapacity(deps: IntakeDeps): Promise<boolean> {
  if (!deps.maxRunning) return false;
  const { executions } = await deps.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: deps.stateMachineArn, statusFilter: 'RUNNING', maxResults: deps.maxRunning }),
  );
  return (executions?.length ?? 0) >= deps.maxRunning;
}

/**
 * Records the job (if new) and starts its execution; returns whether this call created the job,
 * and no execution when the job ended before it started (cancelled while it waited in the queue).
 */
export async function startJob(
  job: QueuedJob,
  deps: IntakeDeps,
  waitSec = ADMISSION_WAIT_SEC,
): Promise<{ created: boolean; executionArn?: string; waiting?: boolean }> {
  const created = await deps.jobs.create({
    jobId: job.jobId,
    name: sourceName(job.source),
    source: job.source,
    captions: job.captions ?? null,
    options: job.options ?? {},
  });
  if (!created) {
    const status = (await deps.jobs.get(job.jobId))?.status;
    if (status && !isOpen(status)) return { created };
  }
  if (deps.requeue && (await atCapacity(deps))) {
    await deps.requeue({ ...job, waits: (job.waits ?? 0) + 1 }, waitSec);
    return { created, waiting: true };
  }
  // The input is built from the message alone, so a redelivery sends identical input and Step
  // Functions treats the start as the same request.
  const input = {
    jobId: job.jobId,
    source: job.source,
    ...(job.captions ? { captions: job.captions } : {}),
    options: JobOptionsSchema.parse(job.options ?? {}),
  };
  try {
    const res = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: job.jobId, input: JSON.stringify(input) }));
    return { created, executionArn: res.executionArn! };
  } catch (err) {
    // Already started (and perhaps finished) by an earlier delivery of the same request.
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
    return { created: false, executionArn: `${deps.stateMachineArn.replace(':stateMachine:', ':execution:')}:${job.jobId}` };
  }
}
