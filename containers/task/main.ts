// Entry point of the Fargate task images: `node task.mjs track` (face-tracker image),
// `node task.mjs render` (render image), `node task.mjs ingest` (ingest image, with yt-dlp) or
// `node task.mjs transcribe` (transcribe image, with faster-whisper and Whisper base). Bundled by `npm run bundle:task`.
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { stageEnv } from '../../src/aws/awsEnv.ts';
import { awsClients } from '../../src/aws/awsPorts.ts';
import { portLogger } from '../../src/aws/portLogger.ts';
import { FARGATE_STAGES, jobIdOfTaskInput, runFargateTask } from '../../src/aws/fargateTask.ts';
import { MediapipeTracker } from '../../src/adapters/face/mediapipeTracker.ts';
import { FasterWhisperTranscriber } from '../../src/adapters/whisper/fasterWhisperTranscriber.ts';
import { spokenLanguage } from '../../src/core/spokenLanguage.ts';

const stage = z.enum(FARGATE_STAGES).parse(process.argv[2]);
const logger = new Logger({ serviceName: `clipforge-${stage}` });
// Every line names its job: the input's key is jobs/<jobId>/tasks/… (infra/pipelineDefinition.ts).
logger.appendKeys({ jobId: jobIdOfTaskInput(process.env.TASK_INPUT_KEY) });
const log = portLogger(logger);
const env = stageEnv();
// The image carries MediaPipe; if it ever fails, the track stage falls back to a centre crop with the reason.
const tracker = stage === 'track' ? new MediapipeTracker() : undefined;
try {
  const models = tracker ? { tracker } : stage === 'transcribe' ? { transcriber: new FasterWhisperTranscriber({ language: spokenLanguage(process.env) }) } : {};
  const outcome = await runFargateTask(stage, new SFNClient({}), { env, clients: awsClients(env), log, models });
  logger.info('task answered', { outcome });
} finally {
  tracker?.close?.();
}
// Answered (or no longer awaited): the task is over, whatever a stopped child still holds open.
process.exit(0);
