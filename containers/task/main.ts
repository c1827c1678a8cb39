// Entry point of the Fargate task images: `node task.mjs track` (face-tracker image) or
// `node task.mjs render` (render image). Bundled by `npm run bundle:task`.
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { stageEnv } from '../../src/aws/awsEnv.ts';
import { awsClients } from '../../src/aws/awsPorts.ts';
import { FARGATE_STAGES, runFargateTask } from '../../src/aws/fargateTask.ts';
import { chooseTracker } from '../../src/runtime/local/chooseTracker.ts';

const stage = z.enum(FARGATE_STAGES).parse(process.argv[2]);
const logger = new Logger({ serviceName: `clipforge-${stage}` });
const log = { info: (m: string, f?: object) => logger.info(m, { ...f }), warn: (m: string, f?: object) => logger.warn(m, { ...f }) };
const env = stageEnv();
const tracker = stage === 'track' ? await chooseTracker(log) : undefined;
try {
  const outcome = await runFargateTask(stage, new SFNClient({}), { env, clients: awsClients(env), log, models: tracker ? { tracker } : {} });
  logger.info('task answered', { outcome });
} finally {
  tracker?.close?.();
}
