// The job repository contract on DynamoDB, in the emulator, with the stack's table definition.
import { after, before } from 'node:test';
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

jobRepositoryContract('dynamodb', async () => {
  const name = `jobs-contract-${process.pid}-${tables++}`;
  await createTable(ddb, 'jobs', name);
  return new DynamoJobRepository<string>(ddb, name);
});
