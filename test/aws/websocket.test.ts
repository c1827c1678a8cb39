// The WebSocket Lambda's real handler on API Gateway WebSocket events, with the connections and
// jobs tables in moto and the Management API on loopback: subscribe (with catch-up), pushes to a
// job's and to "*" subscribers, a 410 Gone connection removed, $disconnect.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { awsProgress } from '../../src/aws/awsPorts.ts';
import { Connections, push } from '../../src/aws/connections.ts';
import { type AwsEmulator, createTable, lambdaEnv, startAwsEmulator } from '../helpers/moto.ts';
import { type FakeManagementApi, startManagementApi } from '../helpers/wsManagementApi.ts';
import { messages } from '../../src/jobs/messages.ts';

let aws: AwsEmulator;
let mgmt: FakeManagementApi;
let ddb: DynamoDBClient;
const id = randomBytes(3).toString('hex');
const tables = { connections: `connections-${id}`, jobs: `jobs-${id}` };
let handler: (e: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResultV2>;

before(async () => {
  aws = await startAwsEmulator();
  mgmt = await startManagementApi();
  ddb = new DynamoDBClient(aws.config);
  await createTable(ddb, 'connections', tables.connections);
  await createTable(ddb, 'jobs', tables.jobs);
  lambdaEnv(aws, {
    CONNECTIONS_TABLE: tables.connections,
    JOBS_TABLE: tables.jobs,
    WS_CALLBACK_URL: mgmt.url,
    ADMIN_PRINCIPALS: 'arn:aws:sts::123456789012:assumed-role/ClipforgeAdmin/*',
  });
  handler = (await import('../../lambdas/ws/handler.ts')).handler;
});
after(async () => {
  ddb?.destroy();
  await mgmt?.close();
  await aws?.stop();
});

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';
const ADMIN = 'arn:aws:sts::123456789012:assumed-role/ClipforgeAdmin/ops';

/** A WebSocket API event; $connect carries the signer's identity (IAM authorization), as API Gateway gives it. */
function wsEvent(routeKey: string, connectionId: string, body?: unknown, as: string = ADMIN): APIGatewayProxyWebsocketEventV2 {
  return {
    requestContext: {
      ...(routeKey === '$connect' ? { identity: { userArn: as, accessKey: 'AKIAEXAMPLE', sourceIp: '203.0.113.9' } } : {}),
      routeKey,
      messageId: randomUUID(),
      eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
      extendedRequestId: randomUUID(),
      requestTime: new Date().toUTCString(),
      messageDirection: 'IN',
      stage: 'prod',
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      requestId: randomUUID(),
      domainName: 'ws123.execute-api.us-east-1.amazonaws.com',
      connectionId,
      apiId: 'ws123',
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  } as APIGatewayProxyWebsocketEventV2;
}

test('subscribe with catch-up, push to job and "*" subscribers, drop a gone connection, disconnect', async () => {
  const jobId = 'job-ws-1';
  await DynamoDBDocumentClient.from(ddb).send(
    new PutCommand({ TableName: tables.jobs, Item: { jobId, status: 'running', stage: 'render', pct: 40, message: 'rendering clip 1' } }),
  );
  const [a, b] = ['conn-a=', 'conn-b=']; // API Gateway ids end in '=' and must be URL-encoded
  assert.equal(((await handler(wsEvent('$connect', a))) as { statusCode: number }).statusCode, 200);
  await handler(wsEvent('$connect', b));
  assert.equal(((await handler(wsEvent('subscribe', a, { action: 'subscribe', subscribe: jobId }))) as { statusCode: number }).statusCode, 200);
  assert.deepEqual(mgmt.received.get(a), [{ type: 'progress', jobId, stage: 'render', pct: 40, message: 'rendering clip 1' }], 'catch-up on subscribe');
  // The local server's message, with no "action": API Gateway routes it to $default.
  assert.equal(((await handler(wsEvent('$default', b, { subscribe: '*' }))) as { statusCode: number }).statusCode, 200);
  const bad = (await handler(wsEvent('subscribe', b, 'nonsense'))) as { statusCode: number; body: string };
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /subscribe/);

  const connections = new Connections(ddb, tables.connections);
  const api = new ApiGatewayManagementApiClient({ ...aws.config, endpoint: mgmt.url });
  const event = messages.progress(jobId, 'render', 60, 'rendering clip 2');
  assert.deepEqual(await push(connections, api, jobId, event), { sent: 2, gone: 0 });
  assert.deepEqual(mgmt.received.get(b), [event]);
  assert.deepEqual(
    await push(connections, api, 'other-job', messages.progress('other-job', 'ingest', 5, 'reading')),
    { sent: 1, gone: 0 },
    'only "*" hears other jobs',
  );

  mgmt.gone.add(a); // the client went away without a clean disconnect
  assert.deepEqual(await push(connections, api, jobId, event), { sent: 1, gone: 1 });
  assert.deepEqual((await connections.subscribers(jobId)).sort(), [b], 'the gone connection was removed');

  await handler(wsEvent('$disconnect', b));
  assert.deepEqual(await connections.subscribers(jobId), []);
});

test("stage progress updates the job's record and reaches subscribers in order; a cancelled job stays quiet", async () => {
  const jobId = 'job-progress-1';
  const doc = DynamoDBDocumentClient.from(ddb);
  await doc.send(new PutCommand({ TableName: tables.jobs, Item: { jobId, status: 'queued', stages: {} } }));
  const viewer = 'conn-viewer=';
  await handler(wsEvent('$connect', viewer));
  await handler(wsEvent('subscribe', viewer, { action: 'subscribe', subscribe: jobId }));
  mgmt.received.delete(viewer);

  const api = new ApiGatewayManagementApiClient({ ...aws.config, endpoint: mgmt.url });
  const sink = awsProgress(
    { jobs: new DynamoJobRepository(ddb, tables.jobs), connections: new Connections(ddb, tables.connections), api },
    jobId,
    undefined,
    0,
  );
  const events = [
    { jobId, stage: 'ingest' as const, pct: 0, message: 'reading' },
    { jobId, stage: 'ingest' as const, pct: 100, message: 'ready' },
    { jobId, stage: 'transcribe' as const, pct: 10, message: 'transcribing' },
    { jobId, stage: 'transcribe' as const, pct: 55, message: 'transcribing' },
  ];
  for (const e of events) sink.emit(e);
  await sink.flush();
  assert.deepEqual(
    mgmt.received.get(viewer),
    events.map((e) => ({ type: 'progress', ...e })),
  );
  const { Item } = await doc.send(new GetCommand({ TableName: tables.jobs, Key: { jobId } }));
  assert.equal(Item!.status, 'running');
  assert.equal(Item!.stage, 'transcribe');
  assert.equal(Item!.pct, 55);
  assert.deepEqual(Item!.stages, { ingest: { pct: 100, message: 'ready' }, transcribe: { pct: 55, message: 'transcribing' } });

  await doc.send(
    new UpdateCommand({
      TableName: tables.jobs,
      Key: { jobId },
      UpdateExpression: 'SET #s = :c',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':c': 'cancelled' },
    }),
  );
  sink.emit({ jobId, stage: 'render', pct: 5, message: 'rendering' });
  await sink.flush();
  assert.equal(mgmt.received.get(viewer)!.length, events.length, 'nothing pushed for a cancelled job');
  assert.equal((await doc.send(new GetCommand({ TableName: tables.jobs, Key: { jobId } }))).Item!.status, 'cancelled');
});

test('a caller follows only their own jobs: another\'s job is "no job", "*" is for administrators', async () => {
  const doc = DynamoDBDocumentClient.from(ddb);
  await doc.send(
    new PutCommand({ TableName: tables.jobs, Item: { jobId: 'job-alice', owner: ALICE, status: 'running', stage: 'render', pct: 10, message: 'x' } }),
  );
  await handler(wsEvent('$connect', 'conn-alice', undefined, ALICE));
  await handler(wsEvent('$connect', 'conn-bob', undefined, BOB));
  const own = (await handler(wsEvent('$default', 'conn-alice', { subscribe: 'job-alice' }))) as { statusCode: number };
  assert.equal(own.statusCode, 200);
  const other = (await handler(wsEvent('$default', 'conn-bob', { subscribe: 'job-alice' }))) as { statusCode: number };
  assert.equal(other.statusCode, 403);
  assert.deepEqual(mgmt.received.get('conn-bob'), [{ type: 'error', error: 'no job job-alice', jobId: 'job-alice' }], 'told as if it did not exist');
  const all = (await handler(wsEvent('$default', 'conn-bob', { subscribe: '*' }))) as { statusCode: number };
  assert.equal(all.statusCode, 403);
  const connections = new Connections(ddb, tables.connections);
  assert.deepEqual(await connections.subscribers('job-alice'), ['conn-alice'], 'bob hears nothing of it');
  const unsigned = (await handler({
    ...wsEvent('$connect', 'conn-anon'),
    requestContext: { ...wsEvent('$connect', 'conn-anon').requestContext, identity: {} },
  } as never)) as {
    statusCode: number;
  };
  assert.equal(unsigned.statusCode, 403);
});
