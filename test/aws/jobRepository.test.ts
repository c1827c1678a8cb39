// The job repository contract on DynamoDB, in the emulator, with the stack's table definition.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { JOB_KEEP_DAYS } from '../../src/aws/s3Limits.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { type AwsEmulator, createTable, startAwsEmulator } from '../helpers/moto.ts';
import { jobRepositoryContract } from '../contracts/jobRepository.ts';

let aws: AwsEmulator;
let ddb: DynamoDBClient;
let tables = 0;
before(async () => {
  aws = await startAwsEmulator();
  ddb = new DynamoDBClient(aws.config);
});
after(async () => {
  ddb?.destroy();
  await aws?.stop();
});

test('an ended job expires with the table TTL after the days it is kept (its clips expire with it)', async () => {
  await createTable(ddb, 'jobs', 'jobs-ttl');
  const repo = new DynamoJobRepository<string>(ddb, 'jobs-ttl');
  await repo.create({ jobId: 'ttl-1', name: 'a.mp4', source: 's3://u/a.mp4', captions: null, options: {} });
  const open = await DynamoDBDocumentClient.from(ddb).send(new GetCommand({ TableName: 'jobs-ttl', Key: { jobId: 'ttl-1' } }));
  assert.equal(open.Item?.expiresAt, undefined, 'an open job never expires');
  await repo.end('ttl-1', { status: 'failed', error: 'x' });
  const ended = await DynamoDBDocumentClient.from(ddb).send(new GetCommand({ TableName: 'jobs-ttl', Key: { jobId: 'ttl-1' } }));
  const days = (Number(ended.Item?.expiresAt) - Date.now() / 1000) / 86_400;
  assert.ok(Math.abs(days - JOB_KEEP_DAYS) < 0.01, `${days} days`);
});

jobRepositoryContract('dynamodb', async () => {
  const name = `jobs-contract-${process.pid}-${tables++}`;
  await createTable(ddb, 'jobs', name);
  return new DynamoJobRepository<string>(ddb, name);
});
