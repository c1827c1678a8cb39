// The transcription worker: the transcribe queue's consumer, at most `maxConcurrency` at once
// across every execution (the speech API's rate limit is the account's), with the OpenAI key
// from Secrets Manager and FFmpeg bundled (it compresses and splits the audio).
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nodeLambda } from './nodeLambda.ts';
import { type StageResources, allowTaskTokenAnswers, grantStageAccess, stageEnvironment } from './stageAccess.ts';

export interface TranscriptionProps extends StageResources {
  queue: Queue;
  cache: Table;
  openAiKey: ISecret;
  /** Workers at once across the account (the queue's event source maximum concurrency, at least 2). */
  maxConcurrency?: number;
  /** Speech-API requests per minute across the account; each worker gets its share. */
  requestsPerMinute?: number;
}

/** Each worker's limiter gets an equal share, so all of them together stay within the account's rate. */
export function perWorkerRate(requestsPerMinute: number, workers: number): number {
  return Math.max(1, Math.floor(requestsPerMinute / workers));
}

export class Transcription extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: TranscriptionProps) {
    super(scope, id);
    const workers = props.maxConcurrency ?? 2;
    if (workers < 2) throw new Error(`transcribeConcurrency must be at least 2 (the lowest maximum concurrency of an SQS event source), got ${workers}`);
    this.fn = nodeLambda(
      this,
      'Fn',
      'lambdas/transcribe/handler.ts',
      {
        ...stageEnvironment(props),
        CACHE_TABLE: props.cache.tableName,
        OPENAI_SECRET_ARN: props.openAiKey.secretArn,
        CLIPFORGE_OPENAI_RPM: String(perWorkerRate(props.requestsPerMinute ?? 10, workers)),
      },
      { timeout: Duration.minutes(15), memoryMiB: 1024, tmpGiB: 4, ffmpeg: true },
    );
    for (const s of [
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [props.cache.tableArn] }),
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.openAiKey.secretArn] }),
    ]) {
      this.fn.addToRolePolicy(s);
    }
    grantStageAccess(this.fn.role!, props);
    allowTaskTokenAnswers(this.fn.role!);
    this.fn.addEventSource(new SqsEventSource(props.queue, { batchSize: 1, maxConcurrency: workers, reportBatchItemFailures: true }));
  }
}

export function acknowledgeOpenAiKeySecret(secret: Construct): void {
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: "An OpenAI API key is issued and rotated in OpenAI's dashboard; there is no rotation Lambda that could do it.",
  });
}
