// WebSocket API Lambda: $connect (API Gateway has already authorised it with IAM), subscribe
// (to a job or "*", with a catch-up message of where the job is; the same message as locally,
// with or without "action"), $disconnect.
import { Logger } from '@aws-lambda-powertools/logger';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { ClientMessageSchema } from '../../src/api/schemas.ts';
import { ALL_JOBS, Connections } from '../../src/aws/connections.ts';

const logger = new Logger({ serviceName: 'clipforge-ws' });
const ddb = new DynamoDBClient({});
const connections = new Connections(ddb, process.env.CONNECTIONS_TABLE ?? '');
const jobs = DynamoDBDocumentClient.from(ddb);

const reply = (statusCode: number, body?: unknown): APIGatewayProxyResultV2 => ({ statusCode, ...(body ? { body: JSON.stringify(body) } : {}) });

/** Where the job is now, as the messages a subscriber would have seen last. */
async function catchUp(jobId: string): Promise<unknown[]> {
  if (jobId === ALL_JOBS) return [];
  const { Item } = await jobs.send(new GetCommand({ TableName: process.env.JOBS_TABLE ?? '', Key: { jobId } }));
  if (!Item) return [{ type: 'error', jobId, error: `no job ${jobId}` }];
  const out: unknown[] = [];
  if (Item.stage) out.push({ type: 'progress', jobId, stage: Item.stage, pct: Item.pct ?? 0, message: Item.message ?? '' });
  if (Item.status === 'done') out.push({ type: 'done', jobId, manifest: Item.manifest });
  if (Item.status === 'failed') out.push({ type: 'failed', jobId, error: Item.error });
  if (Item.status === 'cancelled') out.push({ type: 'cancelled', jobId });
  return out;
}

export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
  const { routeKey, connectionId, domainName, stage } = event.requestContext;
  switch (routeKey) {
    case '$connect':
      return reply(200);
    case '$disconnect':
      await connections.remove(connectionId);
      return reply(200);
    // {"subscribe": …} as the local server takes it ($default), or with "action": "subscribe".
    case '$default':
    case 'subscribe': {
      let msg;
      try {
        msg = ClientMessageSchema.parse(JSON.parse(event.body ?? ''));
      } catch {
        return reply(400, { type: 'error', error: 'send {"subscribe": "<jobId>"}, or "*" for every job' });
      }
      await connections.subscribe(connectionId, msg.subscribe);
      const api = new ApiGatewayManagementApiClient({ endpoint: process.env.WS_CALLBACK_URL ?? `https://${domainName}/${stage}` });
      for (const m of await catchUp(msg.subscribe)) {
        await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(JSON.stringify(m)) }));
      }
      logger.info('subscribed', { connectionId, jobId: msg.subscribe });
      return reply(200);
    }
    default:
      return reply(400, { type: 'error', error: `unknown route ${routeKey}` });
  }
};
