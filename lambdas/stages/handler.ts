// The pipeline's Lambda stages, one export per Task state (each deployed as its own function from
// this bundle): ingest, planTranscript, joinTranscript, score, finalize, jobFailed, and an edit's
// startEdit, publishEdit, editFailed. Step Functions invokes them directly; an
// error's name (InputError, ...) is what the state machine's Retry and Catch rules match.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { openAi } from '../../src/adapters/openai/openaiClient.ts';
import { openAiConfigFromEnv } from '../../src/adapters/openai/openaiConfig.ts';
import { OpenAiScorer } from '../../src/adapters/openai/openaiScorer.ts';
import { stageEnv } from '../../src/aws/awsEnv.ts';
import { awsClients } from '../../src/aws/awsPorts.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';
import { OpenAiKeySecret, withOpenAiKey } from '../../src/aws/openAiKey.ts';
import { type AwsStage, runAwsStage } from '../../src/aws/stageRunner.ts';
import type { StagePorts } from '../../src/stages/stagePorts.ts';

const { logger, log, capture, traced } = lambdaTools('clipforge-stage');
const env = stageEnv();
const clients = awsClients(env, capture);
const keys = new OpenAiKeySecret(process.env.OPENAI_SECRET_ARN, capture(new SecretsManagerClient({})));

/** `models` builds what the stage needs from the OpenAI key, for stages that use one (`usesKey`). */
function stage(name: AwsStage, models: (key: string | undefined) => Partial<StagePorts> = () => ({}), usesKey = false) {
  return traced(name, async (input: unknown, context?: Context) => {
    if (context) logger.addContext(context);
    logger.appendKeys({ stage: name, jobId: (input as { jobId?: string }).jobId });
    const run = (key: string | undefined) =>
      runAwsStage(name, input, { env, clients, log, models: models(key), ...(usesKey ? { speechApi: key !== undefined } : {}) });
    return usesKey ? withOpenAiKey(keys, run) : run(undefined);
  });
}

export const ingest = stage('ingest');
/** Reads the key only to choose the speech engine: the OpenAI worker's spans, or the offline task. */
export const planTranscript = stage('planTranscript', () => ({}), true);
export const joinTranscript = stage('joinTranscript');
export const finalize = stage('finalize');
export const jobFailed = stage('jobFailed');
// An edit's own steps (src/aws/editSteps.ts); its track and render are the job's Fargate tasks.
export const startEdit = stage('startEdit');
export const publishEdit = stage('publishEdit');
export const editFailed = stage('editFailed');
/** GPT-4o scores the shortlist when the key secret is set; otherwise the free first pass decides. */
export const score = stage(
  'score',
  (key) => {
    const config = openAiConfigFromEnv({ ...process.env, OPENAI_API_KEY: key });
    return config ? { scorer: new OpenAiScorer(openAi(config), log) } : {};
  },
  true,
);
