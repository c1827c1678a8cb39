// The scheduled sweeper as deployed (its bundle, its own role) on moto: jobs stuck queued with no
// execution are sent to the intake queue again, or failed with the reason after a day; started,
// recent and ended jobs are left alone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { type DeployedFunctions, call, deployedFunctions } from '../helpers/deployedBundle.ts';
import { DEPLOYED_PIPELINE } from '../helpers/deployedBundle.ts';
import { type AwsEmulator, createTable, emulatorEnv, startAwsEmulator } from '../helpers/moto.ts';
import { roleEnv } from '../helpers/roles.ts';

let aws: AwsEmulator;
let functions: DeployedFunctions;
const id = randomBytes(3).toString('hex');
const jobsTable = `jobs-${id}`;

before(async () => {
  aws = await startAwsEmulator();
  functions = deployedFunctions();
});
after(async () => {
  functions?.remove();
  await aws?.stop();
});

test('stuck queued jobs are sent again or failed with the reason; started, recent and ended jobs are left alone', async () => {
  const ddb = new DynamoDBClient(aws.config);
  const sfn = new SFNClient(aws.config);
  const sqs = new SQSClient(aws.config);
  after(() => {
    for (const c of [ddb, sfn, sqs]) c.destroy();
  });
  await createTable(ddb, 'jobs', jobsTable);
  const intake = (await sqs.send(new CreateQueueCommand({ QueueName: `intake-${id}` }))).QueueUrl!;
  const definition = readFileSync(join(PROJECT_ROOT, 'statemachine', 'pipeline.asl.json'), 'utf8');
  const stateMachineArn = (
    await sfn.send(new CreateStateMachineCommand({ name: DEPLOYED_PIPELINE, definition, roleArn: 'arn:aws:iam::123456789012:role/sfn' }))
  ).stateMachineArn!;
  const doc = DynamoDBDocumentClient.from(ddb);
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  const job = (jobId: string, createdAt: string, extra: Record<string, unknown> = {}) =>
    doc.send(
      new PutCommand({
        TableName: jobsTable,
        Item: {
          jobId,
          status: 'queued',
          name: 'a.mp4',
          source: `s3://uploads/${jobId}.mp4`,
          captions: null,
          options: {},
          createdAt,
          updatedAt: createdAt,
          ...extra,
        },
      }),
    );
  await job('lost', ago(60));
  await job('started', ago(60));
  await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'started', input: '{}' }));
  await job('recent', ago(5));
  await job('ancient', ago(48 * 60));
  await job('tokened', ago(60), { source: 'https://media.example.com/a.mp4?…' });
  await job('ended', ago(60), { status: 'done' });

  const sweeper = functions.get('Starter/Sweeper');
  const role = await roleEnv(aws, functions.stack, sweeper.roleId, { 'Tables/Jobs': jobsTable, 'Queues/Intake': intake });
  const result = await call(sweeper, {}, { ...emulatorEnv(aws), ...role, JOBS_TABLE: jobsTable, STATE_MACHINE_ARN: stateMachineArn, INTAKE_QUEUE_URL: intake });
  assert.deepEqual(result.requeued, ['lost']);
  assert.deepEqual([...result.failed].sort(), ['ancient', 'tokened']);
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: intake, MaxNumberOfMessages: 10 }));
  const sent = (Messages ?? []).map((m) => JSON.parse(m.Body!));
  assert.deepEqual(
    sent.map((b) => [b.kind, b.jobId, b.source]),
    [['job', 'lost', 's3://uploads/lost.mp4']],
    'the lost job requested again, as the API requested it',
  );
  const status = async (jobId: string) => (await doc.send(new GetCommand({ TableName: jobsTable, Key: { jobId } }))).Item;
  assert.match(String((await status('ancient'))?.error), /never started in 24 hours/);
  assert.match(String((await status('tokened'))?.error), /submit it again/);
  for (const untouched of ['started', 'recent', 'lost']) assert.equal((await status(untouched))?.status, 'queued', untouched);
  assert.equal((await status('ended'))?.status, 'done');
});
