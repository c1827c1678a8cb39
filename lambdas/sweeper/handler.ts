// Scheduled sweeper Lambda (every 15 minutes): jobs stuck queued are sent to the intake queue
// again, or failed with the reason after a day; see src/aws/queuedSweeper.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { sweepQueued } from '../../src/aws/queuedSweeper.ts';
import { readEnv } from '../../src/aws/readEnv.ts';

const { logger, capture, traced } = lambdaTools('clipforge-sweeper');
const env = readEnv(z.object({ JOBS_TABLE: z.string().min(1), STATE_MACHINE_ARN: z.string().min(1), INTAKE_QUEUE_URL: z.string().min(1) }), 'sweeper Lambda');
const ddb = capture(new DynamoDBClient({}));
const sqs = capture(new SQSClient({}));
const deps = {
  ddb,
  jobsTable: env.JOBS_TABLE,
  jobs: new DynamoJobRepository<string>(ddb, env.JOBS_TABLE),
  sfn: capture(new SFNClient({})),
  stateMachineArn: env.STATE_MACHINE_ARN,
  requeue: async (job: object) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: env.INTAKE_QUEUE_URL, MessageBody: JSON.stringify(job) }));
  },
};

export const handler = traced('sweeper', async () => {
  const swept = await sweepQueued(deps);
  if (swept.requeued.length || swept.failed.length) logger.warn('jobs stuck queued', swept);
  return swept;
});
