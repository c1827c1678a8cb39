// How a job ends on AWS: its record says done (with the manifest and where the clips are) or
// failed (with the reason), and its WebSocket subscribers get the final message. A job that was
// cancelled meanwhile stays cancelled.
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Manifest } from '../core/schemas.ts';
import { type Connections, push } from './connections.ts';
import { openJobCondition } from './openJobCondition.ts';
import { messages } from '../jobs/messages.ts';

export interface OutcomeDeps {
  ddb: DynamoDBClient;
  jobsTable: string;
  connections: Connections;
  api: ApiGatewayManagementApiClient;
}

/** The outputs bucket prefix of a job's clips (the API presigns links under it). */
export const outputPrefix = (jobId: string) => `jobs/${jobId}/`;

async function end(deps: OutcomeDeps, jobId: string, set: string, values: Record<string, unknown>, names: Record<string, string> = {}): Promise<boolean> {
  const doc = DynamoDBDocumentClient.from(deps.ddb, { marshallOptions: { removeUndefinedValues: true } });
  const open = openJobCondition();
  try {
    await doc.send(
      new UpdateCommand({
        TableName: deps.jobsTable,
        Key: { jobId },
        UpdateExpression: `SET #s = :status, updatedAt = :now, ${set}`,
        ConditionExpression: `attribute_not_exists(jobId) OR ${open.expression}`,
        ExpressionAttributeNames: { '#s': 'status', ...names },
        ExpressionAttributeValues: { ...values, ':now': new Date().toISOString(), ...open.values },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Returns false when the job had already ended (cancelled): nothing is changed or pushed. */
export async function markDone(deps: OutcomeDeps, manifest: Manifest): Promise<boolean> {
  const n = manifest.clips.length;
  const message = `${n} clip${n === 1 ? '' : 's'} ready`;
  const changed = await end(deps, manifest.jobId, 'manifest = :m, outputPrefix = :p, stage = :stage, pct = :pct, message = :msg', {
    ':status': 'done',
    ':m': manifest,
    ':p': outputPrefix(manifest.jobId),
    ':stage': 'finalize',
    ':pct': 100,
    ':msg': message,
  });
  if (changed) await push(deps.connections, deps.api, manifest.jobId, messages.done(manifest.jobId, manifest));
  return changed;
}

export async function markFailed(deps: OutcomeDeps, jobId: string, error: string): Promise<boolean> {
  const changed = await end(deps, jobId, '#e = :e, message = :e, stage = :stage', { ':status': 'failed', ':e': error, ':stage': 'failed' }, { '#e': 'error' });
  if (changed) await push(deps.connections, deps.api, jobId, messages.failed(jobId, error));
  return changed;
}

/** An execution stopped by a cancel through the API: its subscribers learn it ended (the API only stopped it). */
export async function notifyCancelled(deps: OutcomeDeps, jobId: string): Promise<boolean> {
  const { Item } = await DynamoDBDocumentClient.from(deps.ddb).send(new GetCommand({ TableName: deps.jobsTable, Key: { jobId }, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } }));
  if (Item?.status !== 'cancelled') return false;
  await push(deps.connections, deps.api, jobId, messages.cancelled(jobId));
  return true;
}
