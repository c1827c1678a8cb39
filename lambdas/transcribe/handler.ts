// Transcription worker Lambda on the transcribe queue (its event source's maximum concurrency
// bounds the calls to the speech API across all executions); see src/aws/transcribeWorker.ts.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { DynamoTranscriptCache } from '../../src/adapters/aws/dynamoTranscriptCache.ts';
import { S3Storage } from '../../src/adapters/aws/s3Storage.ts';
import { CachingTranscriber } from '../../src/adapters/cache/cachingTranscriber.ts';
import { openAi } from '../../src/adapters/openai/openaiClient.ts';
import { openAiConfigFromEnv } from '../../src/adapters/openai/openaiConfig.ts';
import { WhisperTranscriber } from '../../src/adapters/openai/whisperTranscriber.ts';
import { runTranscribeTask } from '../../src/aws/transcribeWorker.ts';

const logger = new Logger({ serviceName: 'clipforge-transcribe' });
const env = z.object({ WORK_BUCKET: z.string().min(1), CACHE_TABLE: z.string().min(1) }).parse(process.env);
// The key lives in Secrets Manager (OPENAI_SECRET_ARN); OPENAI_API_KEY directly is for tests.
if (!process.env.OPENAI_API_KEY && process.env.OPENAI_SECRET_ARN) {
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env.OPENAI_SECRET_ARN }));
  process.env.OPENAI_API_KEY = secret.SecretString?.trim();
}
const config = openAiConfigFromEnv();
if (!config) throw new Error('no OpenAI key: set the secret named by OPENAI_SECRET_ARN (see the README)');
const log = { info: (m: string, f?: object) => logger.info(m, { ...f }), warn: (m: string, f?: object) => logger.warn(m, { ...f }) };
const deps = {
  sfn: new SFNClient({}),
  // Work objects live under jobs/, the prefix the bucket's lifecycle rule expires.
  work: new S3Storage(env.WORK_BUCKET, new S3Client({}), undefined, 'jobs/'),
  transcriber: new CachingTranscriber(new WhisperTranscriber(openAi(config), log), new DynamoTranscriptCache(env.CACHE_TABLE, new DynamoDBClient({}), log), { log }),
  progress: { emit: () => undefined },
};
const processor = new BatchProcessor(EventType.SQS);

async function onRecord(record: SQSRecord): Promise<void> {
  const outcome = await runTranscribeTask(record.body, deps);
  logger.info('transcription task answered', { outcome, messageId: record.messageId });
}

export const handler = async (event: SQSEvent, context: Context) => processPartialResponse(event, onRecord, processor, { context });
