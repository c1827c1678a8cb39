// Starter Lambda: reads the intake queue (S3 upload events, API job requests) and starts one
// execution per job. Its reserved concurrency bounds how many start at once, so a burst of
// uploads waits in the queue. A bad message fails alone (partial batch response) and, after its
// retries, lands in the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoJobRepository } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { ADMISSION_WAIT_SEC, type IntakeDeps, jobsFromMessage, startJob } from '../../src/aws/intake.ts';
import { readEnv } from '../../src/aws/readEnv.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { z } from 'zod';

const { logger, capture, traced } = lambdaTools('clipforge-starter');
const env = readEnv(
  z.object({
    JOBS_TABLE: z.string().min(1),
    STATE_MACHINE_ARN: z.string().min(1),
    INTAKE_QUEUE_URL: z.string().min(1),
    MAX_RUNNING_JOBS: z.coerce.number().int().positive().default(10),
    ADMISSION_WAIT_SEC: z.coerce.number().int().min(0).max(900).default(ADMISSION_WAIT_SEC),
  }),
  'starter Lambda',
);
const processor = new BatchProcessor(EventType.SQS);
const sqs = capture(new SQSClient({}));
const deps: IntakeDeps = {
  jobs: new DynamoJobRepository(capture(new DynamoDBClient({})), env.JOBS_TABLE),
  sfn: capture(new SFNClient({})),
  stateMachineArn: env.STATE_MACHINE_ARN,
  maxRunning: env.MAX_RUNNING_JOBS,
  requeue: async (job, delaySec) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: env.INTAKE_QUEUE_URL, MessageBody: JSON.stringify(job), DelaySeconds: delaySec }));
  },
};

async function onRecord(record: SQSRecord): Promise<void> {
  for (const job of jobsFromMessage(record.body)) {
    const { created, executionArn, waiting } = await startJob(job, deps, env.ADMISSION_WAIT_SEC);
    if (waiting) logger.info('the running-jobs limit is reached; the job waits', { jobId: job.jobId, limit: env.MAX_RUNNING_JOBS, waits: job.waits ?? 0 });
    else if (!executionArn) logger.info('job ended before it started (cancelled); not started', { jobId: job.jobId });
    else logger.info(created ? 'job started' : 'duplicate request; job already started', { jobId: job.jobId, executionArn });
  }
}

export const handler = traced('starter', async (event: SQSEvent, context: Context) => processPartialResponse(event, onRecord, processor, { context }));
