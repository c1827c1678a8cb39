// The stages' ports on AWS for one job: S3 work objects (under jobs/, which the bucket's
// lifecycle rule expires) and outputs (jobs/{jobId}/), sources from S3 or a URL, FFmpeg, and
// progress into DynamoDB and the WebSocket API. The models and the tracker are chosen by the
// Lambda or task that runs the stage.
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { S3SourceResolver } from '../adapters/aws/s3SourceResolver.ts';
import { pageFetcher } from '../adapters/pages/ytDlpFetcher.ts';
import { DEFAULT_DOWNLOAD_LIMITS } from '../adapters/http/download.ts';
import { S3Storage } from '../adapters/aws/s3Storage.ts';
import { FfmpegEncoder } from '../adapters/ffmpeg/ffmpegEncoder.ts';
import { FirstPassScorer } from '../adapters/scoring/firstPassScorer.ts';
import { CentreTracker } from '../adapters/face/centreTracker.ts';
import { priceTableFromEnv } from '../adapters/openai/openaiConfig.ts';
import type { Logger } from '../core/ports.ts';
import type { StagePorts } from '../stages/stagePorts.ts';
import type { AwsStageEnv } from './awsEnv.ts';
import { DynamoJobRepository } from '../adapters/aws/dynamoJobRepository.ts';
import { ProgressPublisher } from '../jobs/progressPublisher.ts';
import { push } from './connections.ts';
import { Connections } from './connections.ts';
import { type OutcomeDeps, outputPrefix } from './jobOutcome.ts';

export interface AwsClients {
  s3: S3Client;
  ddb: DynamoDBClient;
  api: ApiGatewayManagementApiClient;
}

/** One set of clients per process (Lambda containers reuse them across invocations). */
export function awsClients(env: AwsStageEnv, capture: <T>(client: T) => T = (c) => c): AwsClients {
  return {
    s3: capture(new S3Client({})),
    ddb: capture(new DynamoDBClient({})),
    api: capture(new ApiGatewayManagementApiClient({ endpoint: env.WS_CALLBACK_URL })),
  };
}

export function outcomeDeps(env: AwsStageEnv, c: AwsClients): OutcomeDeps {
  return { jobs: new DynamoJobRepository(c.ddb, env.JOBS_TABLE), connections: new Connections(c.ddb, env.CONNECTIONS_TABLE), api: c.api };
}

/** `scratch` holds this run's local copies; the caller removes it. */
export type AwsStagePorts = StagePorts & { progress: ProgressPublisher; scratch: string };

/** `signal`: the work is no longer awaited (a refused task heartbeat): FFmpeg and the stage stop. */
export function awsStagePorts(
  env: AwsStageEnv,
  c: AwsClients,
  jobId: string,
  log: Logger,
  models: Partial<StagePorts> = {},
  signal?: AbortSignal,
): AwsStagePorts {
  // One folder per run: two tasks of one job may share a disk (and Lambda keeps /tmp between runs).
  const scratch = join(env.SCRATCH_DIR, `${jobId}-${randomBytes(4).toString('hex')}`);
  const work = new S3Storage(env.WORK_BUCKET, c.s3, scratch, 'jobs/');
  const limits = { ...DEFAULT_DOWNLOAD_LIMITS, addresses: env.CLIPFORGE_URL_ADDRESSES };
  return {
    work,
    outputs: new S3Storage(env.OUTPUTS_BUCKET, c.s3, scratch, outputPrefix(jobId)),
    sources: new S3SourceResolver(c.s3, work, limits, undefined, pageFetcher(limits)),
    encoder: new FfmpegEncoder(undefined, signal),
    ...(signal ? { signal } : {}),
    // Stages that transcribe, score or track are given their model; these make a misuse visible.
    transcriber: { name: 'none', model: 'none', transcribe: () => Promise.reject(new Error('this stage has no transcriber')) },
    scorer: new FirstPassScorer(),
    tracker: new CentreTracker('no face tracker in this stage'),
    log,
    prices: priceTableFromEnv(),
    ...models,
    progress: awsProgress(outcomeDeps(env, c), jobId, log),
    scratch,
  };
}

/** Progress into the job's record and out to its WebSocket subscribers (src/jobs/progressPublisher.ts). */
export function awsProgress(deps: OutcomeDeps, jobId: string, log?: Logger, storeEveryMs?: number): ProgressPublisher {
  return new ProgressPublisher(deps.jobs, { fanOut: (m) => push(deps.connections, deps.api, jobId, m), log, storeEveryMs });
}
