// The starter Lambda's real handler (Powertools batch processing, the AWS SDK) on a realistic SQS
// batch against moto: S3 upload notifications and API job requests become one job record and one
// Step Functions execution each; a redelivered message starts nothing new; a bad message fails
// alone (partial batch response).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { call, deployedFunctions } from '../helpers/deployedBundle.ts';
import { type AwsEmulator, createTable, emulatorEnv, lambdaEnv, startAwsEmulator } from '../helpers/moto.ts';

let aws: AwsEmulator;
let sfn: SFNClient;
let ddb: DynamoDBClient;
let stateMachineArn: string;
const jobsTable = `jobs-${randomBytes(4).toString('hex')}`;
let handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

before(async () => {
  aws = await startAwsEmulator();
  sfn = new SFNClient(aws.config);
  ddb = new DynamoDBClient(aws.config);
  await createTable(ddb, 'jobs', jobsTable);
  const definition = readFileSync(join(PROJECT_ROOT, 'statemachine', 'pipeline.asl.json'), 'utf8');
  stateMachineArn = (
    await sfn.send(
      new CreateStateMachineCommand({ name: `clipforge-${randomBytes(3).toString('hex')}`, definition, roleArn: 'arn:aws:iam::123456789012:role/sfn' }),
    )
  ).stateMachineArn!;
  lambdaEnv(aws, { JOBS_TABLE: jobsTable, STATE_MACHINE_ARN: stateMachineArn });
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

/** What S3 puts on the queue for a finished upload (keys URL-encoded, '+' for spaces). */
const s3Upload = (key: string, eTag: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: 'uploads-bucket', arn: 'arn:aws:s3:::uploads-bucket' },
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
  const res = await handler({ Records: [upload, again, api, bad, testEvent] }, context);
  assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: bad.messageId }]);

  const jobs = (await ddb.send(new ScanCommand({ TableName: jobsTable }))).Items ?? [];
  assert.equal(jobs.length, 2);
  const sources = jobs.map((j) => j.source!.S).sort();
  assert.deepEqual(sources, ['s3://uploads-bucket/talks/my talk.mp4', 's3://uploads-bucket/u/clip.mp4']);

  const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.equal(executions.length, 2);
  const apiExec = executions.find((e) => e.name === 'api-job-1')!;
  const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: apiExec.executionArn! }))).input!);
  assert.equal(input.jobId, 'api-job-1');
  assert.equal(input.options.clips, 2);
  assert.equal(input.options.concurrency, 2, 'defaults filled in');

  // The whole batch delivered again (a Lambda timeout, say): nothing new.
  const replay = await handler({ Records: [upload, api] }, context);
  assert.deepEqual(replay.batchItemFailures, []);
  assert.equal(((await ddb.send(new ScanCommand({ TableName: jobsTable }))).Items ?? []).length, 2);
  assert.equal(((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? []).length, 2);
});

test('the starter Lambda as deployed (its bundle in its own process, read-only code) handles the same batch', async () => {
  const functions = deployedFunctions();
  after(functions.remove);
  const job = record({ kind: 'job', jobId: 'bundled-job-1', source: 's3://uploads-bucket/u/b.mp4' });
  const res = await call(functions.get('Starter/Fn'), { Records: [job] }, { ...emulatorEnv(aws), JOBS_TABLE: jobsTable, STATE_MACHINE_ARN: stateMachineArn });
  assert.deepEqual(res.batchItemFailures, []);
  const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  assert.ok(executions.some((e) => e.name === 'bundled-job-1'));
});
