// Transcription worker Lambda on the transcribe queue (its event source's maximum concurrency
// bounds the calls to the speech API across all executions); see src/aws/transcribeWorker.ts.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { DynamoTranscriptCache } from '../../src/adapters/aws/dynamoTranscriptCache.ts';
import { CachingTranscriber } from '../../src/adapters/cache/cachingTranscriber.ts';
import { openAi } from '../../src/adapters/openai/openaiClient.ts';
import { openAiConfigFromEnv } from '../../src/adapters/openai/openaiConfig.ts';
import { WhisperTranscriber } from '../../src/adapters/openai/whisperTranscriber.ts';
import { stageEnv } from '../../src/aws/awsEnv.ts';
import { awsClients } from '../../src/aws/awsPorts.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { OpenAiKeySecret, withOpenAiKey } from '../../src/aws/openAiKey.ts';
import { runAwsStage } from '../../src/aws/stageRunner.ts';
import { missingKeyTranscriber, runTranscribeTask } from '../../src/aws/transcribeWorker.ts';
import { readEnv } from '../../src/aws/readEnv.ts';

const { logger, log, capture, traced } = lambdaTools('clipforge-transcribe');
const env = stageEnv();
const { CACHE_TABLE } = readEnv(z.object({ CACHE_TABLE: z.string().min(1) }), 'transcription worker');
const clients = awsClients(env, capture);
const sfn = capture(new SFNClient({}));
const cache = new DynamoTranscriptCache(CACHE_TABLE, clients.ddb, log);
const processor = new BatchProcessor(EventType.SQS);
const keys = new OpenAiKeySecret(process.env.OPENAI_SECRET_ARN, capture(new SecretsManagerClient({})));

function transcriber(key: string | undefined) {
  const config = openAiConfigFromEnv({ ...process.env, OPENAI_API_KEY: key });
  return config
    ? new CachingTranscriber(new WhisperTranscriber(openAi(config), log), cache, { log })
    : missingKeyTranscriber(process.env.OPENAI_SECRET_ARN ?? 'OPENAI_API_KEY');
}

async function onRecord(record: SQSRecord): Promise<void> {
  const outcome = await runTranscribeTask(record.body, {
    sfn,
    log,
    run: (input, abandoned) =>
      withOpenAiKey(keys, (key) => runAwsStage('transcribeSpan', input, { env, clients, log, models: { transcriber: transcriber(key) }, signal: abandoned })),
  });
  logger.info('transcription task answered', { outcome, messageId: record.messageId });
}

export const handler = traced('transcribe', async (event: SQSEvent, context: Context) => processPartialResponse(event, onRecord, processor, { context }));
