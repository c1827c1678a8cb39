// The ProgressSink on AWS: each stage's events update the job's record in DynamoDB and are pushed
// to the job's WebSocket subscribers, in order. emit() is synchronous like every sink; the writes
// run one after another behind it, and flush() waits for them (call it before a Lambda returns).
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Logger, ProgressSink } from '../core/ports.ts';
import type { ProgressEvent } from '../core/schemas.ts';
import { type Connections, push } from './connections.ts';
import { openJobCondition } from './openJobCondition.ts';
import { PROGRESS_STORE_MS, messages } from '../jobs/messages.ts';

export class AwsProgress implements ProgressSink {
  private chain: Promise<void> = Promise.resolve();
  private readonly doc: DynamoDBDocumentClient;
  private lastWrite = { stage: '', at: 0 };

  constructor(
    ddb: DynamoDBClient,
    private readonly jobsTable: string,
    private readonly connections: Connections,
    private readonly api: ApiGatewayManagementApiClient,
    private readonly log?: Logger,
    /** Store writes at most this often within a stage (pushes are not throttled). */
    private readonly minWriteMs = PROGRESS_STORE_MS,
  ) {
    this.doc = DynamoDBDocumentClient.from(ddb);
  }

  emit(e: ProgressEvent): void {
    const now = Date.now();
    const write = e.stage !== this.lastWrite.stage || e.pct === 100 || e.stage === 'failed' || now - this.lastWrite.at >= this.minWriteMs;
    if (write) this.lastWrite = { stage: e.stage, at: now };
    this.chain = this.chain
      .then(async () => {
        if (write && !(await this.record(e))) return; // the job ended meanwhile: nothing to report
        await push(this.connections, this.api, e.jobId, messages.progress(e.jobId, e.stage, e.pct, e.message));
      })
      .catch((err: unknown) => this.log?.warn('progress not delivered', { jobId: e.jobId, error: String(err) })); // progress must never fail a stage
  }

  flush(): Promise<void> {
    return this.chain;
  }

  /** False when the job is no longer queued or running (cancelled, finished). */
  private async record(e: ProgressEvent): Promise<boolean> {
    const running = e.stage !== 'failed';
    const open = openJobCondition('#status');
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.jobsTable,
          Key: { jobId: e.jobId },
          UpdateExpression: `SET stage = :s, pct = :p, message = :m, updatedAt = :now, stages.#st = :entry${running ? ', #status = :running' : ''}`,
          // A cancelled or finished job is not brought back to "running" by a late event.
          ConditionExpression: running ? open.expression : undefined,
          ExpressionAttributeNames: { '#st': e.stage, ...(running ? { '#status': 'status' } : {}) },
          ExpressionAttributeValues: {
            ':s': e.stage,
            ':p': e.pct,
            ':m': e.message,
            ':now': new Date().toISOString(),
            ':entry': { pct: e.pct, message: e.message },
            ...(running ? { ':running': 'running', ...open.values } : {}),
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
