// Starter Lambda: reads the intake queue (S3 upload events, API job requests) and starts one
// execution per job. Its reserved concurrency bounds how many start at once, so a burst of
// uploads waits in the queue. A bad message fails alone (partial batch response) and, after its
// retries, lands in the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { jobsFromMessage, startJob } from '../../src/aws/intake.ts';
import { readEnv } from '../../src/aws/readEnv.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { z } from 'zod';

const { logger, capture, traced } = lambdaTools('clipforge-starter');
const env = readEnv(z.object({ JOBS_TABLE: z.string().min(1), STATE_MACHINE_ARN: z.string().min(1) }), 'starter Lambda');
const processor = new BatchProcessor(EventType.SQS);
const deps = {
  jobs: new DynamoJobRepository(capture(new DynamoDBClient({})), env.JOBS_TABLE),
  sfn: capture(new SFNClient({})),
  stateMachineArn: env.STATE_MACHINE_ARN,
};

async function onRecord(record: SQSRecord): Promise<void> {
  for (const job of jobsFromMessage(record.body)) {
    const { created, executionArn } = await startJob(job, deps);
    if (!executionArn) logger.info('job ended before it started (cancelled); not started', { jobId: job.jobId });
    else logger.info(created ? 'job started' : 'duplicate request; job already started', { jobId: job.jobId, executionArn });
  }
}

export const handler = traced('starter', async (event: SQSEvent, context: Context) => processPartialResponse(event, onRecord, processor, { context }));
