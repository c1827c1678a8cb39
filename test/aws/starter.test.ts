// The starter Lambda's real handler (Powertools batch processing, the AWS SDK) on a realistic SQS
// batch against moto: S3 upload notifications and API job requests become one job record and one
// Step Functions execution each; a redelivered message starts nothing new; a bad message fails
// alone (partial batch response).
import assert from 'node:assert/strict';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { deployedFunctions, invoke } from '../helpers/deployedBundle.ts';
import { DEPLOYED_PIPELINE } from '../helpers/deployedBundle.ts';
import { iamProxy, roleEnv } from '../helpers/roles.ts';
import { type AwsEmulator, createTable, emulatorEnv, lambdaEnv, startAwsEmulator } from '../helpers/moto.ts';

let aws: AwsEmulator;
let sfn: SFNClient;
let ddb: DynamoDBClient;
let stateMachineArn: string;
const jobsTable = `jobs-${randomBytes(4).toString('hex')}`;
const intakeName = `intake-${randomBytes(4).toString('hex')}`;
let intakeUrl: string;
let handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

before(async () => {
  aws = await startAwsEmulator();
  sfn = new SFNClient(aws.config);
  ddb = new DynamoDBClient(aws.config);
  await createTable(ddb, 'jobs', jobsTable);
  const definition = readFileSync(join(PROJECT_ROOT, 'statemachine', 'pipeline.asl.json'), 'utf8');
  stateMachineArn = (await sfn.send(new CreateStateMachineCommand({ name: DEPLOYED_PIPELINE, definition, roleArn: 'arn:aws:iam::123456789012:role/sfn' })))
    .stateMachineArn!;
  intakeUrl = (await new SQSClient(aws.config).send(new CreateQueueCommand({ QueueName: intakeName }))).QueueUrl!;
  lambdaEnv(aws, { JOBS_TABLE: jobsTable, STATE_MACHINE_ARN: stateMachineArn, INTAKE_QUEUE_URL: intakeUrl, MAX_RUNNING_JOBS: '1000' });
  ({ handler } = await import('../../lambdas/starter/handler.ts'));
});
after(async () => {
  sfn?.destroy();
  ddb?.destroy();
  await aws?.stop();
});

function record(body: unknown): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomBytes(16).toString('base64'),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:Intake',
    awsRegion: 'us-east-1',
  };
}

/**
 * What S3 puts on the queue for a finished upload, field for field as AWS documents it (keys
 * URL-encoded, '+' for spaces); `from` is the uploader's address (IPv6 over dual-stack endpoints).
 */
const s3Upload = (key: string, eTag: string, from = '203.0.113.7') => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      requestParameters: { sourceIPAddress: from },
      responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'IntakeNotification',
        bucket: { name: 'uploads-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::uploads-bucket' },
        object: { key, size: 123456, eTag, sequencer: '0065' },
      },
    },
  ],
});

const context = { functionName: 'starter', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

test('one job and one execution per request; duplicates start nothing; a bad message fails alone', async () => {
  const upload = record(s3Upload('talks/my+talk.mp4', 'abc123'));
  const again = record(s3Upload('talks/my+talk.mp4', 'abc123'));
  const api = record({ kind: 'job', jobId: 'api-job-1', source: 's3://uploads-bucket/u/clip.mp4', options: { clips: 2 } });
  const bad = record('{"hello": "world"}');
  const testEvent = record({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'uploads-bucket' });
  const overIpv6 = record(s3Upload('talks/second.mp4', 'def456', '2001:db8:85a3::8a2e:370:7334'));
  const res = await handler({ Records: [upload, again, api, bad, testEvent, overIpv6] }, context);
  assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: bad.messageId }]);

  const jobs = (await ddb.send(new ScanCommand({ TableName: jobsTable }))).Items ?? [];
  assert.equal(jobs.length, 3);
  const sources = jobs.map((j) => j.source!.S).sort();
  assert.deepEqual(sources, ['s3://uploads-bucket/talks/my talk.mp4', 's3://uploads-bucket/talks/second.mp4', 's3://uploads-bucket/u/clip.mp4']);
  assert.deepEqual(jobs.map((j) => j.name!.S).sort(), ['clip.mp4', 'my talk.mp4', 'second.mp4'], 'named by the file');

  const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.equal(executions.length, 3);
  const apiExec = executions.find((e) => e.name === 'api-job-1')!;
  const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: apiExec.executionArn! }))).input!);
  assert.equal(input.jobId, 'api-job-1');
  assert.equal(input.options.clips, 2);
  assert.equal(input.options.concurrency, 2, 'defaults filled in');

  // The whole batch delivered again (a Lambda timeout, say): nothing new.
  const replay = await handler({ Records: [upload, api] }, context);
  assert.deepEqual(replay.batchItemFailures, []);
  assert.equal(((await ddb.send(new ScanCommand({ TableName: jobsTable }))).Items ?? []).length, 3);
  assert.equal(((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? []).length, 3);
});

test('a job cancelled while its request waited in the queue is not started', async () => {
  const jobs = new DynamoJobRepository<string>(ddb, jobsTable);
  await jobs.create({ jobId: 'cancelled-early', name: 'x.mp4', source: 's3://uploads-bucket/u/x.mp4', captions: null, options: {} });
  assert.equal(await jobs.end('cancelled-early', { status: 'cancelled', message: 'cancelled' }), true);
  const res = await handler({ Records: [record({ kind: 'job', jobId: 'cancelled-early', source: 's3://uploads-bucket/u/x.mp4' })] }, context);
  assert.deepEqual(res.batchItemFailures, []);
  const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.equal(
    executions.some((e) => e.name === 'cancelled-early'),
    false,
  );
  assert.equal((await jobs.get('cancelled-early'))!.status, 'cancelled');
});

test('the starter Lambda as deployed (its bundle in its own process, read-only code, its own role) starts an upload and a job the API recorded first', async () => {
  const functions = deployedFunctions();
  after(functions.remove);
  const starter = functions.get('Starter/Fn');
  const role = await roleEnv(aws, functions.stack, starter.roleId, { 'Tables/Jobs': jobsTable, 'Queues/Intake': intakeUrl });
  const env = {
    ...emulatorEnv(aws),
    ...role,
    JOBS_TABLE: jobsTable,
    STATE_MACHINE_ARN: stateMachineArn,
    INTAKE_QUEUE_URL: intakeUrl,
    MAX_RUNNING_JOBS: '1000',
  };
  // POST /jobs writes the record, then queues the request: the starter finds the record there and
  // reads it (a role without dynamodb:GetItem left every API job queued forever).
  const fromApi = 'bundled-api-job';
  await new DynamoJobRepository<string>(ddb, jobsTable).create({
    jobId: fromApi,
    name: 'a.mp4',
    source: 's3://uploads-bucket/u/a.mp4',
    captions: null,
    options: {},
  });
  const apiRes = await invoke(starter, { Records: [record({ kind: 'job', jobId: fromApi, source: 's3://uploads-bucket/u/a.mp4' })] }, env);
  assert.ok(apiRes.ok, apiRes.ok ? '' : apiRes.errorMessage);
  assert.deepEqual((apiRes.result as { batchItemFailures: unknown[] }).batchItemFailures, [], apiRes.stderr.slice(-1500));
  // The role's grants name its own table: another table, though it exists, is refused (AccessDenied), as IAM refuses it.
  await createTable(ddb, 'jobs', `${jobsTable}-other`);
  const elsewhere = await invoke(
    starter,
    { Records: [record({ kind: 'job', jobId: 'bundled-x', source: 's3://uploads-bucket/u/x.mp4' })] },
    { ...env, JOBS_TABLE: `${jobsTable}-other` },
  );
  // Every record of the batch failed: Powertools fails the invocation, so SQS delivers the batch again.
  assert.ok(!elsewhere.ok && /All records failed processing/.test(elsewhere.errorMessage), 'refused, so the message is retried');
  assert.ok((await iamProxy(aws)).denied.some((d) => d === `dynamodb:PutItem on arn:aws:dynamodb:us-east-1:123456789012:table/${jobsTable}-other`));
  const job = record({ kind: 'job', jobId: 'bundled-job-1', source: 's3://uploads-bucket/u/b.mp4' });
  const res = await invoke(starter, { Records: [job] }, env);
  assert.ok(res.ok, res.ok ? '' : res.errorMessage);
  assert.deepEqual((res.result as { batchItemFailures: unknown[] }).batchItemFailures, []);
  // Traced as with active tracing: the invocation's subsegment, cold start annotated, its AWS calls inside it.
  const own = res.segments.find((s) => s.name === '## starter');
  assert.ok(own, `an invocation subsegment (got ${res.segments.map((s) => s.name).join(', ') || 'none'}: ${res.stderr.slice(-500)})`);
  assert.equal(own.annotations?.ColdStart, true);
  const calls = JSON.stringify(res.segments);
  assert.match(calls, /"name":"DynamoDB"/, 'the job record write is traced');
  assert.match(calls, /"name":"SFN"/, 'the execution start is traced');
  const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.ok(executions.some((e) => e.name === 'bundled-job-1'));
  assert.ok(
    executions.some((e) => e.name === fromApi),
    'the job the API recorded was started',
  );
});

test('admission control: over the running-jobs limit a job waits as a new, delayed message on the intake queue, and starts once there is room', async () => {
  const functions = deployedFunctions();
  after(functions.remove);
  const starter = functions.get('Starter/Fn');
  const role = await roleEnv(aws, functions.stack, starter.roleId, { 'Tables/Jobs': jobsTable, 'Queues/Intake': intakeUrl });
  const running = ((await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }))).executions ?? []).length;
  assert.ok(running >= 1, 'earlier tests left executions running');
  const env = { ...emulatorEnv(aws), ...role, JOBS_TABLE: jobsTable, STATE_MACHINE_ARN: stateMachineArn, INTAKE_QUEUE_URL: intakeUrl, ADMISSION_WAIT_SEC: '0' };
  const job = { kind: 'job', jobId: 'over-limit', source: 's3://uploads-bucket/u/o.mp4' };
  const res = await invoke(starter, { Records: [record(job)] }, { ...env, MAX_RUNNING_JOBS: String(running) });
  assert.ok(res.ok, res.ok ? '' : res.errorMessage);
  assert.deepEqual((res.result as { batchItemFailures: unknown[] }).batchItemFailures, [], 'not a failure: never dead-lettered for waiting');
  const started = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.equal(
    started.some((e) => e.name === 'over-limit'),
    false,
    'not started over the limit',
  );
  const sqs = new SQSClient(aws.config);
  after(() => sqs.destroy());
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: intakeUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
  const waiting = (Messages ?? []).map((m) => JSON.parse(m.Body!)).find((b) => b.jobId === 'over-limit');
  assert.deepEqual(waiting, { ...job, waits: 1 });
  assert.equal((await new DynamoJobRepository<string>(ddb, jobsTable).get('over-limit'))?.status, 'queued');
  // Room again (a higher limit stands for a job that ended): the waiting message starts it.
  const again = await invoke(starter, { Records: [record(waiting)] }, { ...env, MAX_RUNNING_JOBS: String(running + 5) });
  assert.ok(again.ok && (again.result as { batchItemFailures: unknown[] }).batchItemFailures.length === 0, again.stderr.slice(-800));
  const after2 = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.ok(after2.some((e) => e.name === 'over-limit'));
});
