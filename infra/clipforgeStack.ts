// The clipforge deployment. So far: storage, tables, queues and the starter Lambda that turns
// uploads and job requests into executions; the Lambda stages, Fargate tasks, the state machine
// and the HTTP and WebSocket APIs come next.
import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { JobsApi } from './constructs/jobsApi.ts';
import { ProgressSocket } from './constructs/progressSocket.ts';
import { Queues } from './constructs/queues.ts';
import { Starter, pipelineArn } from './constructs/starter.ts';
import { Transcription } from './constructs/transcription.ts';
import { Storage } from './constructs/storage.ts';
import { Tables } from './constructs/tables.ts';

export interface ClipforgeStackProps extends StackProps {
  /** Keep finished clips when the stack is deleted (default true). */
  retainOutputs?: boolean;
}

export class ClipforgeStack extends Stack {
  readonly storage: Storage;
  readonly tables: Tables;
  readonly queues: Queues;
  readonly starter: Starter;
  readonly api: JobsApi;
  readonly socket: ProgressSocket;
  readonly transcription: Transcription;

  constructor(scope: Construct, id: string, props: ClipforgeStackProps = {}) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage', { retainOutputs: props.retainOutputs ?? true });
    this.tables = new Tables(this, 'Tables');
    this.queues = new Queues(this, 'Queues');
    // An upload that completes is a job request: S3 tells the intake queue, never a Lambda
    // directly, so a burst of uploads queues instead of starting a burst of executions.
    this.storage.uploads.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queues.intake));
    const notifier = this.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (notifier) {
      Validations.of(notifier).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "aws-cdk-lib's own handler that configures the bucket notification at deploy time; its role and managed logging policy are fixed by the library.",
      });
    }

    this.starter = new Starter(this, 'Starter', { intake: this.queues.intake, jobs: this.tables.jobs, stateMachineArn: pipelineArn(this) });
    this.api = new JobsApi(this, 'JobsApi', {
      uploads: this.storage.uploads,
      outputs: this.storage.outputs,
      jobs: this.tables.jobs,
      intake: this.queues.intake,
      stateMachineArn: pipelineArn(this),
    });

    this.socket = new ProgressSocket(this, 'Progress', { connections: this.tables.connections, jobs: this.tables.jobs });
    this.transcription = new Transcription(this, 'Transcription', { queue: this.queues.transcribe, work: this.storage.work, cache: this.tables.transcripts });
    new CfnOutput(this, 'OpenAiKeySecret', { value: this.transcription.openAiKey.secretName });

    new CfnOutput(this, 'UploadsBucket', { value: this.storage.uploads.bucketName });
    new CfnOutput(this, 'OutputsBucket', { value: this.storage.outputs.bucketName });
  }
}
