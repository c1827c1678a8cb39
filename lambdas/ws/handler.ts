// WebSocket API Lambda: $connect (API Gateway has already authorised it with IAM), subscribe
// (to a job or "*", with a catch-up message of where the job is; the same message as locally,
// with or without "action"), $disconnect.
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { ClientMessageSchema } from '../../src/api/schemas.ts';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { Connections } from '../../src/aws/connections.ts';
import { ALL_JOBS, type ServerMessage, catchUp, messages } from '../../src/jobs/messages.ts';
import { readEnv } from '../../src/aws/readEnv.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { z } from 'zod';

const { logger, capture, traced } = lambdaTools('clipforge-ws');
const ddb = capture(new DynamoDBClient({}));
const env = readEnv(z.object({ CONNECTIONS_TABLE: z.string().min(1), JOBS_TABLE: z.string().min(1), WS_CALLBACK_URL: z.url().optional() }), 'WebSocket Lambda');
const connections = new Connections(ddb, env.CONNECTIONS_TABLE);
const jobs = new DynamoJobRepository(ddb, env.JOBS_TABLE);

const reply = (statusCode: number, body?: unknown): APIGatewayProxyResultV2 => ({ statusCode, ...(body ? { body: JSON.stringify(body) } : {}) });

/** Where the job is now (src/jobs/messages.ts, as serve answers); for "*", nothing to scan for. */
async function jobNow(jobId: string): Promise<ServerMessage[]> {
  if (jobId === ALL_JOBS) return [];
  const job = await jobs.get(jobId);
  if (!job) return [messages.error(`no job ${jobId}`, jobId)];
  return catchUp(job, { withManifest: true });
}

export const handler = traced('ws', async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
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
      const api = capture(new ApiGatewayManagementApiClient({ endpoint: env.WS_CALLBACK_URL ?? `https://${domainName}/${stage}` }));
      for (const m of await jobNow(msg.subscribe)) {
        await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(JSON.stringify(m)) }));
      }
      logger.info('subscribed', { connectionId, jobId: msg.subscribe });
      return reply(200);
    }
    default:
      return reply(400, { type: 'error', error: `unknown route ${routeKey}` });
  }
});
