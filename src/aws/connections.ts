// WebSocket subscriptions in DynamoDB (the connections table: connectionId + jobId, index byJob):
// a connection subscribes to a job or to "*" (every job); pushes go to a job's subscribers and
// the "*" ones; connections API Gateway says are gone (410) are removed.
import { type ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../api/caller.ts';
import { ALL_JOBS, type ServerMessage } from '../jobs/messages.ts';

export { ALL_JOBS };
/** The connections table's item that holds a connection's caller ('#' is in no job id). */
const CALLER_KEY = '#caller';
/** Subscriptions outlive a connection at most this long (API Gateway closes idle ones after 2 h). */
const TTL_SEC = 3 * 3600;

export class Connections {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    ddb: DynamoDBClient,
    private readonly table: string,
    private readonly index = 'byJob',
    private readonly now: () => number = Date.now,
  ) {
    this.doc = DynamoDBDocumentClient.from(ddb);
  }

  /** Who opened the connection ($connect is IAM-authorised): kept beside its subscriptions under a key no job has. */
  async setCaller(connectionId: string, caller: Caller): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { connectionId, jobId: CALLER_KEY, owner: caller.owner, admin: caller.admin, expiresAt: Math.floor(this.now() / 1000) + TTL_SEC },
      }),
    );
  }

  async callerOf(connectionId: string): Promise<Caller | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { connectionId, jobId: CALLER_KEY } }));
    return Item ? { owner: String(Item.owner), admin: Item.admin === true } : undefined;
  }

  async subscribe(connectionId: string, jobId: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { connectionId, jobId, expiresAt: Math.floor(this.now() / 1000) + TTL_SEC } }));
  }

  async subscribers(jobId: string): Promise<string[]> {
    const ids = new Set<string>();
    for (const key of [jobId, ALL_JOBS]) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: this.index,
            KeyConditionExpression: 'jobId = :j',
            ExpressionAttributeValues: { ':j': key },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) ids.add(String(item.connectionId));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return [...ids];
  }

  /** Every subscription of a connection (on $disconnect, or when it is gone). */
  async remove(connectionId: string): Promise<void> {
    const { Items } = await this.doc.send(
      new QueryCommand({ TableName: this.table, KeyConditionExpression: 'connectionId = :c', ExpressionAttributeValues: { ':c': connectionId } }),
    );
    const keys = (Items ?? []).map((i) => ({ DeleteRequest: { Key: { connectionId: i.connectionId, jobId: i.jobId } } }));
    for (let i = 0; i < keys.length; i += 25) await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: keys.slice(i, i + 25) } }));
  }
}

/** Sends one message to every subscriber of its job; returns how many got it and how many were gone. */
export async function push(
  connections: Connections,
  api: ApiGatewayManagementApiClient,
  jobId: string,
  message: ServerMessage,
): Promise<{ sent: number; gone: number }> {
  const data = new TextEncoder().encode(JSON.stringify(message));
  let sent = 0;
  let gone = 0;
  await Promise.all(
    (await connections.subscribers(jobId)).map(async (id) => {
      try {
        await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
        sent++;
      } catch (err) {
        if (!(err instanceof GoneException) && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 410) throw err;
        gone++;
        await connections.remove(id);
      }
    }),
  );
  return { sent, gone };
}
