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
import { type Caller, adminPatterns, callerOf, mayAccess } from '../../src/api/caller.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { z } from 'zod';

const { logger, capture, traced } = lambdaTools('clipforge-ws');
const ddb = capture(new DynamoDBClient({}));
const env = readEnv(
  z.object({
    CONNECTIONS_TABLE: z.string().min(1),
    JOBS_TABLE: z.string().min(1),
    WS_CALLBACK_URL: z.url().optional(),
    ADMIN_PRINCIPALS: z.string().optional(),
  }),
  'WebSocket Lambda',
);
const admins = adminPatterns(env.ADMIN_PRINCIPALS);
const connections = new Connections(ddb, env.CONNECTIONS_TABLE);
const jobs = new DynamoJobRepository(ddb, env.JOBS_TABLE);

const reply = (statusCode: number, body?: unknown): APIGatewayProxyResultV2 => ({ statusCode, ...(body ? { body: JSON.stringify(body) } : {}) });

/**
 * What a caller may follow, and where the job is now (src/jobs/messages.ts, as serve answers):
 * their own jobs; every job ("*") and others' jobs only as an administrator. Another caller's job
 * is "no job", as one that does not exist.
 */
async function follow(jobId: string, caller: Caller): Promise<{ allowed: boolean; now: ServerMessage[] }> {
  if (jobId === ALL_JOBS)
    return caller.admin ? { allowed: true, now: [] } : { allowed: false, now: [messages.error('only an administrator may follow every job', jobId)] };
  const job = await jobs.get(jobId);
  if (!job || !mayAccess(caller, job.owner)) return { allowed: false, now: [messages.error(`no job ${jobId}`, jobId)] };
  return { allowed: true, now: catchUp(job, { withManifest: true }) };
}

export const handler = traced('ws', async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
  const { routeKey, connectionId, domainName, stage } = event.requestContext;
  switch (routeKey) {
    case '$connect': {
      // IAM-authorised by API Gateway: the signer is known here, and kept for the connection's later messages.
      const caller = callerOf((event.requestContext as { identity?: { userArn?: string } }).identity?.userArn, admins);
      if (!caller) return reply(403);
      await connections.setCaller(connectionId, caller);
      return reply(200);
    }
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
      const caller = await connections.callerOf(connectionId);
      if (!caller) return reply(403, { type: 'error', error: 'reconnect: this connection has no caller' });
      const { allowed, now } = await follow(msg.subscribe, caller);
      if (allowed) await connections.subscribe(connectionId, msg.subscribe);
      const api = capture(new ApiGatewayManagementApiClient({ endpoint: env.WS_CALLBACK_URL ?? `https://${domainName}/${stage}` }));
      for (const m of now) {
        await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(JSON.stringify(m)) }));
      }
      logger.info(allowed ? 'subscribed' : 'subscription refused', { connectionId, jobId: msg.subscribe });
      return reply(allowed ? 200 : 403);
    }
    default:
      return reply(400, { type: 'error', error: `unknown route ${routeKey}` });
  }
});
