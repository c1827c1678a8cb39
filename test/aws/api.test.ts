// The HTTP API Lambda's real handler (Hono routes shared with `clipforge serve`, the AWS backend)
// on API Gateway v2 events against moto: presigned upload, job creation queued for the starter,
// status, cancel (stops the execution), presigned clip downloads, and the error statuses.
import assert from 'node:assert/strict';
import { DynamoEditLocks } from '../../src/adapters/aws/dynamoEditLocks.ts';
import { JobOptionsSchema } from '../../src/core/schemas.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from 'aws-lambda';
import { JobDetailSchema, JobSummarySchema, UploadTicketSchema } from '../../src/api/schemas.ts';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { type AwsEmulator, createTable, emulatorEnv, lambdaEnv, startAwsEmulator } from '../helpers/moto.ts';
import { roleEnv } from '../helpers/roles.ts';
import { call as invokeDeployed, deployedFunctions, invoke } from '../helpers/deployedBundle.ts';
import { DEPLOYED_PIPELINE } from '../helpers/deployedBundle.ts';
import { freeUsage } from '../helpers/usage.ts';

let aws: AwsEmulator;
let s3: S3Client;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let sfn: SFNClient;
let queueUrl: string;
let stateMachineArn: string;
const id = randomBytes(3).toString('hex');
const names = { uploads: `uploads-${id}`, outputs: `outputs-${id}`, jobs: `jobs-${id}`, idempotency: `idem-${id}` };
let handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyResult>;

before(async () => {
  aws = await startAwsEmulator();
  s3 = new S3Client(aws.config);
  ddb = new DynamoDBClient(aws.config);
  sqs = new SQSClient(aws.config);
  sfn = new SFNClient(aws.config);
  await s3.send(new CreateBucketCommand({ Bucket: names.uploads }));
  await s3.send(new CreateBucketCommand({ Bucket: names.outputs }));
  await createTable(ddb, 'jobs', names.jobs);
  await createTable(ddb, 'idempotency', names.idempotency);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `intake-${id}` }))).QueueUrl!;
  const definition = readFileSync(join(PROJECT_ROOT, 'statemachine', 'pipeline.asl.json'), 'utf8');
  stateMachineArn = (await sfn.send(new CreateStateMachineCommand({ name: DEPLOYED_PIPELINE, definition, roleArn: 'arn:aws:iam::123456789012:role/sfn' })))
    .stateMachineArn!;
  lambdaEnv(aws, {
    UPLOADS_BUCKET: names.uploads,
    OUTPUTS_BUCKET: names.outputs,
    JOBS_TABLE: names.jobs,
    INTAKE_QUEUE_URL: queueUrl,
    STATE_MACHINE_ARN: stateMachineArn,
    MAX_UPLOAD_BYTES: String(10 * 1024 * 1024),
    IDEMPOTENCY_TABLE: names.idempotency,
    ADMIN_PRINCIPALS: 'arn:aws:sts::123456789012:assumed-role/ClipforgeAdmin/*',
  });
  handler = (await import('../../lambdas/api/handler.ts')).handler as unknown as typeof handler;
});
after(async () => {
  for (const c of [s3, ddb, sqs, sfn]) c?.destroy();
  await aws?.stop();
});

/** The resource names the stack gives the API function, as the emulator has them. */
const resourceEnv = () => ({
  UPLOADS_BUCKET: names.uploads,
  OUTPUTS_BUCKET: names.outputs,
  JOBS_TABLE: names.jobs,
  INTAKE_QUEUE_URL: queueUrl,
  STATE_MACHINE_ARN: stateMachineArn,
  IDEMPOTENCY_TABLE: names.idempotency,
});

/** Callers by their IAM identity, as API Gateway's IAM authorizer names them. */
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:sts::123456789012:assumed-role/Editors/bob';
const ADMIN = 'arn:aws:sts::123456789012:assumed-role/ClipforgeAdmin/ops';

/** An API Gateway HTTP API (payload 2.0) event, as the Lambda integration delivers it, signed by `as` (none: unsigned). */
function event(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}, as: string | null = ALICE): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'content-type': 'application/json', 'user-agent': 'test', ...extraHeaders },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(as
        ? {
            authorizer: {
              iam: { accessKey: 'AKIAEXAMPLE', accountId: '123456789012', callerId: 'AIDAEXAMPLE', principalOrgId: null, userArn: as, userId: 'AIDAEXAMPLE' },
            },
          }
        : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

const context = { functionName: 'api', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, as: string | null = ALICE) {
  const res = await handler(event(method, path, body, headers, as), context);
  return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null, headers: res.headers ?? {} };
}

test('upload by presigned URL, create a job (queued for the starter), read it, cancel it', async () => {
  const video = randomBytes(4096);
  const t = await call('POST', '/uploads', { filename: 'my talk.mp4', size: video.length, contentType: 'video/mp4' });
  assert.equal(t.status, 201, JSON.stringify(t.json));
  const ticket = UploadTicketSchema.parse(t.json);
  const signed = new URL(ticket.uploadUrl).searchParams.get('X-Amz-SignedHeaders') ?? '';
  assert.deepEqual(signed.split(';').sort(), ['content-length', 'content-type', 'host'], 'size and type are part of the signature');
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: video });
  assert.equal(put.status, 200, await put.text());

  const created = await call('POST', '/jobs', { source: { uploadId: ticket.uploadId }, options: { clips: 2 } });
  assert.equal(created.status, 202, JSON.stringify(created.json));
  const job = JobSummarySchema.parse(created.json);
  assert.equal(job.status, 'queued');
  assert.equal(job.name, 'my_talk.mp4');
  const msgs = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
  const queued = msgs.map((m) => JSON.parse(m.Body!)).find((m) => m.jobId === job.jobId);
  assert.deepEqual(
    { ...queued, options: undefined },
    { kind: 'job', jobId: job.jobId, source: `s3://${names.uploads}/uploads/${ticket.uploadId}/my_talk.mp4`, options: undefined },
  );
  assert.equal(queued.options.clips, 2);

  const got = await call('GET', `/jobs/${job.jobId}`);
  assert.equal(got.status, 200);
  assert.equal(JobDetailSchema.parse(got.json).status, 'queued');
  const list = await call('GET', '/jobs');
  assert.ok(list.json.jobs.some((j: { jobId: string }) => j.jobId === job.jobId));

  // The starter would have started it; cancelling stops the execution.
  const exec = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: job.jobId, input: '{}' }));
  const cancelled = await call('DELETE', `/jobs/${job.jobId}`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.json.status, 'cancelled');
  assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: exec.executionArn! }))).status, 'ABORTED');
});

test('a finished job lists its clips with presigned download URLs', async () => {
  const created = await call('POST', '/jobs', { source: { url: 'https://example.com/talk.mp4' } });
  const jobId = created.json.jobId as string;
  const manifest = {
    jobId,
    source: { path: 'https://example.com/talk.mp4', duration: 100, width: 1920, height: 1080 },
    clips: [
      {
        rank: 1,
        start: 10,
        end: 40,
        score: 80,
        title: 'T',
        reason: 'R',
        text: 'words',
        duration: 30,
        file: 'clip-1.mp4',
        srt: 'clip-1.srt',
        vtt: 'clip-1.vtt',
        thumbnail: 'clip-1.jpg',
        crop: { fallback: null },
      },
    ],
    timings: {},
    usage: {
      audioMinutes: 1.7,
      transcriber: 'openai',
      scorer: 'openai:gpt-4o',
      requests: 2,
      llmRequests: 1,
      tokensIn: 100,
      tokensOut: 50,
      cacheHits: 0,
      models: {},
      estimatedCostUsd: 0.01,
      unpriced: [],
    },
    createdAt: new Date().toISOString(),
  };
  await s3.send(new PutObjectCommand({ Bucket: names.outputs, Key: `jobs/${jobId}/clip-1.mp4`, Body: 'mp4 bytes' }));
  await DynamoDBDocumentClient.from(ddb).send(
    new UpdateCommand({
      TableName: names.jobs,
      Key: { jobId },
      UpdateExpression: 'SET #s = :d, manifest = :m',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':d': 'done', ':m': manifest },
    }),
  );
  const detail = JobDetailSchema.parse((await call('GET', `/jobs/${jobId}`)).json);
  assert.equal(detail.status, 'done');
  const res = await fetch(detail.clips[0]!.urls.video);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'mp4 bytes');
  // The job's ZIP (the finalize stage writes it) by a presigned link, in the detail and as a redirect.
  await s3.send(new PutObjectCommand({ Bucket: names.outputs, Key: `jobs/${jobId}/clips.zip`, Body: 'zip bytes' }));
  assert.equal(await fetch(detail.downloads!.zip).then((r) => r.text()), 'zip bytes');
  const redirect = await call('GET', `/jobs/${jobId}/clips.zip`);
  assert.equal(redirect.status, 302);
  const zip = await fetch(String(redirect.headers.location));
  assert.match(zip.headers.get('content-disposition') ?? '', /attachment; filename="clips-/);
  assert.equal(await zip.text(), 'zip bytes');
  // A job that kept nothing for edits (made before they existed) says so.
  const edit = await call('PATCH', `/jobs/${jobId}/clips/1`, { captionStyle: 'boxed' });
  assert.equal(edit.status, 400);
  assert.match(edit.json.error, /run the job again to edit its clips/);
});

test('bad requests: 400 with what is wrong, 404, 409, 413', async () => {
  let r = await call('POST', '/uploads', { filename: 'a.mp4' });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /size/);
  r = await call('POST', '/uploads', { filename: 'big.mp4', size: 11 * 1024 * 1024 });
  assert.equal(r.status, 413);
  r = await call('POST', '/jobs', { source: { path: '/etc/passwd' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /not accepted by the hosted API/);
  r = await call('POST', '/jobs', { source: { uploadId: 'unknown' } });
  assert.equal(r.status, 409);
  r = await call('POST', '/jobs', 'not json');
  assert.equal(r.status, 400);
  r = await call('GET', '/jobs/nope');
  assert.equal(r.status, 404);
  r = await call('DELETE', '/jobs/nope');
  assert.equal(r.status, 404);
});

test('POST /jobs with an Idempotency-Key: a retry gets the same job and queues nothing more; the key with another request is refused', async () => {
  const before = (await ddb.send(new ScanCommand({ TableName: names.jobs }))).Count ?? 0;
  const req = { source: { url: 'https://example.com/keyed.mp4' }, options: { clips: 2 } };
  const first = await call('POST', '/jobs', req, { 'idempotency-key': 'retry-me-1' });
  assert.equal(first.status, 202, JSON.stringify(first.json));
  // The same request again, its fields in another order: the first job, not a new one.
  const again = await call('POST', '/jobs', { options: { clips: 2 }, source: { url: 'https://example.com/keyed.mp4' } }, { 'idempotency-key': 'retry-me-1' });
  assert.equal(again.status, 202);
  assert.equal(again.json.jobId, first.json.jobId);
  assert.equal((await ddb.send(new ScanCommand({ TableName: names.jobs }))).Count, before + 1);
  const queued = [];
  for (let i = 0; i < 3; i++) queued.push(...((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []));
  assert.equal(queued.filter((m) => JSON.parse(m.Body!).source === 'https://example.com/keyed.mp4').length, 1, 'queued once');

  const other = await call('POST', '/jobs', { source: { url: 'https://example.com/other.mp4' } }, { 'idempotency-key': 'retry-me-1' });
  assert.equal(other.status, 422);
  assert.match(other.json.error, /Idempotency-Key retry-me-1 was already used for a different request/);
  const bad = await call('POST', '/jobs', req, { 'idempotency-key': 'has spaces' });
  assert.equal(bad.status, 400);
  const unkeyed = await call('POST', '/jobs', req);
  assert.notEqual(unkeyed.json.jobId, first.json.jobId, 'without a key every request is a new job');
});

/**
 * The API function as deployed (its bundle in its own process) with its own role's credentials,
 * called as Bob; the stack is synthesized once for the tests that need it.
 */
let deployed: ReturnType<typeof deployedFunctions> | undefined;
const synthesized = () => (deployed ??= deployedFunctions());
async function deployedApi() {
  const api = synthesized().get('JobsApi/Fn');
  const role = await roleEnv(aws, synthesized().stack, api.roleId, {
    'Storage/Uploads': names.uploads,
    'Storage/Outputs': names.outputs,
    'Tables/Jobs': names.jobs,
    'Tables/Idempotency': names.idempotency,
    'Queues/Intake': queueUrl,
  });
  const env = { ...emulatorEnv(aws), ...role, ...resourceEnv(), ADMIN_PRINCIPALS: '' };
  return async (method: string, path: string, body?: unknown) => {
    const res = await invoke(api, event(method, path, body, {}, BOB), env);
    assert.ok(res.ok, res.ok ? '' : `${res.errorType}: ${res.errorMessage}`);
    const r = res.result as { statusCode: number; body: string };
    return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null };
  };
}
after(() => deployed?.remove());

test('the API Lambda as deployed takes uploads up to what one presigned PUT can carry (5 GiB) and refuses larger ones with where to put them', async () => {
  const fn = synthesized().get('JobsApi/Fn');
  assert.equal(Number(fn.env.MAX_UPLOAD_BYTES), 5 * 1024 ** 3);
  const env = { ...emulatorEnv(aws), ...resourceEnv() };
  const ok = await invokeDeployed(fn, event('POST', '/uploads', { filename: 'four-gigs.mp4', size: 4 * 1024 ** 3 }), env);
  assert.equal(ok.statusCode, 201, ok.body);
  const big = await invokeDeployed(fn, event('POST', '/uploads', { filename: 'six-gigs.mp4', size: 6 * 1024 ** 3 }), env);
  assert.equal(big.statusCode, 413);
  assert.match(JSON.parse(big.body).error, /six-gigs\.mp4 is 6442450944 bytes, over the 5368709120-byte upload limit; .*inbox\//);
});

test("each job is its creator's: another caller can neither see, list nor cancel it; an administrator sees all; an unsigned request is refused", async () => {
  const made = await call('POST', '/jobs', { source: { url: 'https://media.example.com/talk.mp4?X-Amz-Signature=abcdef&token=secret' } });
  assert.equal(made.status, 202, JSON.stringify(made.json));
  const id = made.json.jobId as string;
  assert.doesNotMatch(JSON.stringify(made.json), /secret|abcdef/, 'the source is shown without its query');
  assert.equal((await call('GET', `/jobs/${id}`, undefined, {}, BOB)).status, 404, "another caller's job is no job");
  assert.equal((await call('DELETE', `/jobs/${id}`, undefined, {}, BOB)).status, 404);
  assert.equal((await call('GET', `/jobs/${id}`)).json.status, 'queued', 'not cancelled by the other caller');
  const bobs = await call('GET', '/jobs', undefined, {}, BOB);
  assert.equal(
    bobs.json.jobs.some((j: { jobId: string }) => j.jobId === id),
    false,
  );
  const alices = await call('GET', '/jobs');
  assert.equal(alices.json.jobs[0].jobId, id, 'the creator lists it, newest first');
  const admins = await call('GET', '/jobs', undefined, {}, ADMIN);
  assert.ok(admins.json.jobs.some((j: { jobId: string }) => j.jobId === id));
  assert.equal((await call('GET', `/jobs/${id}`, undefined, {}, ADMIN)).status, 200);
  const unsigned = await call('GET', '/jobs', undefined, {}, null);
  assert.equal(unsigned.status, 403);
  // The execution still gets the whole URL (the fetch needs it): the queued request carries it.
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  assert.ok((Messages ?? []).some((m) => m.Body!.includes('token=secret') && m.Body!.includes(id)));
});

test('the API Lambda as deployed, with its own role: create, list (the owner index), read and cancel a job', async () => {
  const send = await deployedApi();
  const made = await send('POST', '/jobs', { source: { url: 'https://media.example.com/bob.mp4' } });
  assert.equal(made.status, 202, JSON.stringify(made.json));
  const listed = await send('GET', '/jobs');
  assert.equal(listed.status, 200, JSON.stringify(listed.json));
  assert.equal(listed.json.jobs[0].jobId, made.json.jobId);
  assert.equal((await send('GET', `/jobs/${made.json.jobId}`)).status, 200);
  const cancelled = await send('DELETE', `/jobs/${made.json.jobId}`);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
  assert.equal(cancelled.json.status, 'cancelled');
});

test('edits through the API Lambda as deployed, with its own role: the transcript, a PATCH that starts an execution from StartEdit, bad and busy edits refused at once', async () => {
  const send = await deployedApi();
  const made = await send('POST', '/jobs', { source: { url: 'https://media.example.com/edit.mp4' } });
  const jobId = made.json.jobId as string;
  assert.equal((await send('PATCH', `/jobs/${jobId}/clips/1`, { captionStyle: 'boxed' })).status, 409, 'not done yet');

  // A finished job as the finalize stage leaves it: the manifest, and what edits need kept.
  const words = Array.from({ length: 40 }, (_, i) => ({ w: i % 8 === 7 ? `word${i}.` : `word${i}`, start: 1 + i * 0.5, end: 1.4 + i * 0.5 }));
  const info = { path: 'edit.mp4', duration: 30, width: 1920, height: 1080, fps: 30 };
  const clipEntry = {
    rank: 1,
    start: 4.75,
    end: 12.7,
    score: 70,
    title: 'T',
    reason: 'R',
    text: 'words',
    duration: 7.95,
    file: 'clip-1.mp4',
    srt: 'clip-1.srt',
    vtt: 'clip-1.vtt',
    thumbnail: 'clip-1.jpg',
    crop: { fallback: null },
  };
  const manifest = {
    jobId,
    source: { path: 'edit.mp4', duration: 30, width: 1920, height: 1080 },
    clips: [clipEntry],
    timings: {},
    usage: freeUsage({ audioMinutes: 0.5 }),
    createdAt: new Date().toISOString(),
  };
  const keep = {
    format: 1,
    jobId,
    source: { file: 'source.mp4', kept: true, fingerprint: { size: 9, digest: 'etag:"x"' }, info },
    options: JobOptionsSchema.parse({}),
    clips: { '1': { crop: { crop: { w: 606, h: 1080 }, path: [{ t: 4.75, cx: 0.5, cy: 0.5 }], fallback: null, layout: 'follow' }, corrections: [] } },
  };
  const put = (key: string, body: unknown) => s3.send(new PutObjectCommand({ Bucket: names.outputs, Key: `jobs/${jobId}/${key}`, Body: JSON.stringify(body) }));
  await put('clips.json', manifest);
  await put('job.json', keep);
  await put('transcript.json', { provider: 'faster-whisper', model: 'base', language: 'en', audioSeconds: 30, words });
  await DynamoDBDocumentClient.from(ddb).send(
    new UpdateCommand({
      TableName: names.jobs,
      Key: { jobId },
      UpdateExpression: 'SET #s = :d, manifest = :m',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':d': 'done', ':m': manifest },
    }),
  );

  const t = await send('GET', `/jobs/${jobId}/transcript`);
  assert.equal(t.status, 200, JSON.stringify(t.json));
  assert.equal(t.json.words.length, 40);
  assert.deepEqual([t.json.clips[0].first, t.json.clips[0].last], [7, 23]);

  const r = await send('PATCH', `/jobs/${jobId}/clips/1`, { captionStyle: 'boxed', corrections: [{ from: 9, to: 9, text: 'quest' }] });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.deepEqual([r.json.rank, r.json.version, r.json.status], [1, 2, 'running']);
  const execution = await sfn.send(
    new DescribeExecutionCommand({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}-${r.json.renderId}` }),
  );
  assert.deepEqual(JSON.parse(execution.input!), {
    jobId,
    edit: { renderId: r.json.renderId, rank: 1, edit: { snap: 'word', corrections: [{ from: 9, to: 9, text: 'quest' }], captionStyle: 'boxed' } },
  });
  const added = await send('POST', `/jobs/${jobId}/clips`, { start: 14, end: 20 });
  assert.equal(added.status, 202, JSON.stringify(added.json));
  assert.equal(added.json.rank, 2);

  for (const [path, body, status, message] of [
    ['/clips/9', { captionStyle: 'boxed' }, 404, /has no clip 9/],
    ['/clips/1', { start: 10, end: 6 }, 400, /must be before end/],
    ['/clips/1', { corrections: [{ from: 0, to: 0, text: 'x' }] }, 400, /outside clip 1/],
  ] as const) {
    const bad = await send('PATCH', `/jobs/${jobId}${path}`, body);
    assert.equal(bad.status, status, JSON.stringify(bad.json));
    assert.match(bad.json.error, message);
  }
  // A clip whose re-render holds its lock: a second edit is refused at once.
  const locks = new DynamoEditLocks(ddb, names.jobs, jobId);
  assert.equal(await locks.tryHold('clip-1'), true);
  const busy = await send('PATCH', `/jobs/${jobId}/clips/1`, { hookTitle: true });
  assert.equal(busy.status, 409);
  assert.match(busy.json.error, /clip 1 is being re-rendered/);
  await locks.release('clip-1');
  // Another caller cannot see it, nor edit it.
  assert.equal((await call('PATCH', `/jobs/${jobId}/clips/1`, { hookTitle: true })).status, 404);
});

test('DELETE of an ended job, through the API Lambda as deployed: refused while a clip re-renders, then its record, outputs and upload go', async () => {
  const send = await deployedApi();
  await s3.send(new PutObjectCommand({ Bucket: names.uploads, Key: 'uploads/up-del/talk.mp4', Body: 'video bytes' }));
  const made = await send('POST', '/jobs', { source: { uploadId: 'up-del' } });
  assert.equal(made.status, 202, JSON.stringify(made.json));
  const jobId = made.json.jobId as string;
  for (const key of ['clip-1.mp4', 'clips.json', 'source.mp4', 'transcript.json']) {
    await s3.send(new PutObjectCommand({ Bucket: names.outputs, Key: `jobs/${jobId}/${key}`, Body: key }));
  }
  await DynamoDBDocumentClient.from(ddb).send(
    new UpdateCommand({
      TableName: names.jobs,
      Key: { jobId },
      UpdateExpression: 'SET #s = :d',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':d': 'done' },
    }),
  );
  const locks = new DynamoEditLocks(ddb, names.jobs, jobId);
  assert.equal(await locks.tryHold('new-clip'), true);
  const refused = await send('DELETE', `/jobs/${jobId}`);
  assert.equal(refused.status, 409);
  assert.match(refused.json.error, /being re-rendered/);
  await locks.release('new-clip');
  const deleted = await send('DELETE', `/jobs/${jobId}`);
  assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
  assert.equal(deleted.json.message, 'deleted');
  assert.equal((await send('GET', `/jobs/${jobId}`)).status, 404);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: names.outputs, Prefix: `jobs/${jobId}/` }));
  assert.equal(left.KeyCount ?? 0, 0, 'its outputs are gone');
  const upload = await s3.send(new ListObjectsV2Command({ Bucket: names.uploads, Prefix: 'uploads/up-del/' }));
  assert.equal(upload.KeyCount ?? 0, 0, 'its upload is gone');
});
