// The clipforge deployment: storage, tables, queues; the starter that turns uploads and job
// requests into executions; the pipeline (Lambda stages, transcription worker, Fargate tasks,
// state machine); the HTTP jobs API and the WebSocket progress API.
import { CfnOutput, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { NO_KEY } from '../src/aws/openAiKey.ts';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { JobsApi } from './constructs/jobsApi.ts';
import { ProgressSocket } from './constructs/progressSocket.ts';
import { Queues } from './constructs/queues.ts';
import { Starter, pipelineArn, pipelineName } from './constructs/starter.ts';
import { Pipeline } from './constructs/pipeline.ts';
import { Operations } from './constructs/operations.ts';
import { acknowledgeOpenAiKeySecret } from './constructs/transcription.ts';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Storage } from './constructs/storage.ts';
import { INBOX_PREFIX, INBOX_VIDEO_SUFFIXES } from '../src/aws/s3Limits.ts';
import { Tables } from './constructs/tables.ts';

export interface ClipforgeStackProps extends StackProps {
  /** Keep finished clips when the stack is deleted (default true). */
  retainOutputs?: boolean;
  /** Transcription workers at once across every job (default 2). */
  transcribeConcurrency?: number;
  /** Speech-API requests per minute across every job (default 10). */
  speechRequestsPerMinute?: number;
  /** Access logs on the WebSocket stage; needs the account's API Gateway CloudWatch role (default false). */
  wsAccessLogs?: boolean;
  /** An address the alarms are e-mailed to (the alarm topic is an output either way). */
  alarmEmail?: string;
  /** IAM ARN patterns (`*` wildcards) of callers who see and cancel every job; others see their own. */
  adminPrincipals?: string[];
  /** Jobs running at once at most; more wait in the intake queue (default 10). */
  maxRunningJobs?: number;
}

export class ClipforgeStack extends Stack {
  readonly storage: Storage;
  readonly tables: Tables;
  readonly queues: Queues;
  readonly starter: Starter;
  readonly api: JobsApi;
  readonly socket: ProgressSocket;
  readonly openAiKey: Secret;
  readonly pipeline: Pipeline;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: ClipforgeStackProps = {}) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage', { retainOutputs: props.retainOutputs ?? true });
    this.tables = new Tables(this, 'Tables');
    this.queues = new Queues(this, 'Queues');
    // A video dropped into the inbox is a job request: S3 tells the intake queue, never a Lambda
    // directly, so a burst of uploads queues instead of starting a burst of executions.
    const intake = new SqsDestination(this.queues.intake);
    for (const suffix of INBOX_VIDEO_SUFFIXES) this.storage.uploads.addEventNotification(EventType.OBJECT_CREATED, intake, { prefix: INBOX_PREFIX, suffix });
    const notifier = this.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (notifier) {
      Validations.of(notifier).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's own handler that configures the bucket notification at deploy time; its role and managed logging policy are fixed by the library.",
      });
    }

    this.starter = new Starter(this, 'Starter', {
      intake: this.queues.intake,
      jobs: this.tables.jobs,
      stateMachineArn: pipelineArn(this),
      ...(props.maxRunningJobs ? { maxRunningJobs: props.maxRunningJobs } : {}),
    });
    this.api = new JobsApi(this, 'JobsApi', {
      uploads: this.storage.uploads,
      outputs: this.storage.outputs,
      jobs: this.tables.jobs,
      idempotency: this.tables.idempotency,
      intake: this.queues.intake,
      stateMachineArn: pipelineArn(this),
      ...(props.adminPrincipals ? { adminPrincipals: props.adminPrincipals } : {}),
    });

    this.socket = new ProgressSocket(this, 'Progress', {
      connections: this.tables.connections,
      jobs: this.tables.jobs,
      accessLogs: props.wsAccessLogs ?? false,
      ...(props.adminPrincipals ? { adminPrincipals: props.adminPrincipals } : {}),
    });
    // Created holding the "no key" placeholder: a generated random string was taken for a key (401s).
    this.openAiKey = new Secret(this, 'OpenAiKey', {
      description: `OpenAI API key for clipforge (set it after deploying; "${NO_KEY}" means none; see the README)`,
      secretStringValue: SecretValue.unsafePlainText(NO_KEY),
    });
    acknowledgeOpenAiKeySecret(this.openAiKey);
    this.pipeline = new Pipeline(this, 'Pipeline', {
      uploads: this.storage.uploads,
      work: this.storage.work,
      outputs: this.storage.outputs,
      jobs: this.tables.jobs,
      connections: this.tables.connections,
      socket: this.socket,
      transcribeQueue: this.queues.transcribe,
      cache: this.tables.transcripts,
      openAiKey: this.openAiKey,
      stateMachineName: pipelineName(this),
      ...(props.transcribeConcurrency ? { transcribeConcurrency: props.transcribeConcurrency } : {}),
      ...(props.speechRequestsPerMinute ? { speechRequestsPerMinute: props.speechRequestsPerMinute } : {}),
    });
    this.operations = new Operations(this, 'Operations', {
      deadLetterQueues: { Intake: this.queues.intakeDlq, Transcribe: this.queues.transcribeDlq, ExecutionEnded: this.pipeline.failedEvents },
      stateMachine: this.pipeline.stateMachine,
      functions: {
        Starter: this.starter.fn,
        Sweeper: this.starter.sweeper,
        Api: this.api.fn,
        Progress: this.socket.fn,
        Transcription: this.pipeline.transcription.fn,
        ...Object.fromEntries(Object.entries(this.pipeline.stages).map(([name, fn]) => [name[0]!.toUpperCase() + name.slice(1), fn])),
      },
      email: props.alarmEmail,
    });
    new CfnOutput(this, 'AlarmTopic', { value: this.operations.topic.topicArn });
    new CfnOutput(this, 'JobsApiUrl', { value: this.api.api.apiEndpoint });
    new CfnOutput(this, 'ProgressUrl', { value: this.socket.stage.url });
    new CfnOutput(this, 'OpenAiKeySecret', { value: this.openAiKey.secretName });
    new CfnOutput(this, 'StateMachine', { value: this.pipeline.stateMachine.stateMachineArn });

    new CfnOutput(this, 'UploadsBucket', { value: this.storage.uploads.bucketName });
    new CfnOutput(this, 'OutputsBucket', { value: this.storage.outputs.bucketName });
  }
}
