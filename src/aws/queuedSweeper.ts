// Jobs stuck "queued" on AWS: a request the starter never turned into an execution (its message
// dead-lettered after the starter failed, or was lost). serve has its own sweeper; this one runs
// on a schedule. A job queued longer than STUCK_AFTER_MIN with no execution is sent to the intake
// queue again (starting is idempotent: the execution is named by the job); one queued longer than
// GIVE_UP_AFTER_H is failed with the reason, so nobody waits on it forever. A job waiting for a
// free place (admission control) has its request on the queue and is handled the same way: a
// duplicate request starts nothing twice.
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRepository } from '../jobs/jobRepository.ts';
import type { QueuedJob } from './intake.ts';
import { JobOptionsSchema } from '../core/schemas.ts';

/** A job still queued this long after it was created has been lost (a start takes seconds; a wait for room re-sends itself every minute). */
export const STUCK_AFTER_MIN = 30;
/** After this long queued, the job is failed rather than sent again. */
export const GIVE_UP_AFTER_H = 24;
/** Jobs looked at per run at most (a scan of the table, filtered on the status). */
const SCAN_MAX = 5000;

export interface SweeperDeps {
  ddb: DynamoDBClient;
  jobsTable: string;
  jobs: JobRepository<string>;
  sfn: SFNClient;
  stateMachineArn: string;
  requeue: (job: QueuedJob) => Promise<void>;
  now?: () => number;
}

export async function sweepQueued(deps: SweeperDeps): Promise<{ requeued: string[]; failed: string[] }> {
  const now = deps.now?.() ?? Date.now();
  const doc = DynamoDBDocumentClient.from(deps.ddb);
  const stuck: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: deps.jobsTable,
        FilterExpression: '#s = :q AND createdAt < :before',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':q': 'queued', ':before': new Date(now - STUCK_AFTER_MIN * 60_000).toISOString() },
        ExclusiveStartKey: start,
      }),
    );
    stuck.push(...(page.Items ?? []));
    seen += page.ScannedCount ?? 0;
    start = page.LastEvaluatedKey;
  } while (start && seen < SCAN_MAX);

  const requeued: string[] = [];
  const failed: string[] = [];
  const executions = deps.stateMachineArn.replace(':stateMachine:', ':execution:');
  for (const item of stuck) {
    const jobId = String(item.jobId);
    try {
      await deps.sfn.send(new DescribeExecutionCommand({ executionArn: `${executions}:${jobId}` }));
      continue; // started: its stages move the record on
    } catch (err) {
      if (!(err instanceof ExecutionDoesNotExist)) throw err;
    }
    // The record keeps a URL without its query (a token is never stored): such a request cannot be sent again.
    const redacted = [item.source, item.captions].some((v) => typeof v === 'string' && v.includes('?…'));
    if (redacted || now - Date.parse(String(item.createdAt)) > GIVE_UP_AFTER_H * 3600_000) {
      const error = redacted
        ? "the job was never started (see the intake dead-letter queue and the starter's log), and its link's query is not kept to start it again: submit it again"
        : `the job was never started in ${GIVE_UP_AFTER_H} hours (see the intake dead-letter queue and the starter's log); submit it again`;
      if (await deps.jobs.end(jobId, { status: 'failed', error })) failed.push(jobId);
      continue;
    }
    const options = JobOptionsSchema.safeParse(item.options ?? {});
    await deps.requeue({
      kind: 'job',
      jobId,
      source: String(item.source),
      ...(typeof item.captions === 'string' ? { captions: item.captions } : {}),
      ...(options.success ? { options: options.data } : {}),
    });
    requeued.push(jobId);
  }
  return { requeued, failed };
}
