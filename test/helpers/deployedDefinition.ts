// The state machine as deployed (infra/pipelineDefinition.ts) with its placeholders filled as
// the stack's definitionSubstitutions would, for the tests that execute it locally; and a
// received SQS message as the event source mapping hands it to the transcription worker.
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { awsPipelineDefinition } from '../../infra/pipelineDefinition.ts';
import { substitute } from '../../src/core/stateMachineDefinition.ts';

const ACCOUNT = 'us-east-1:123456789012';
export const lambdaArn = (name: string) => `arn:aws:lambda:${ACCOUNT}:function:clipforge-${name}`;
/** The Fargate task definitions by stage (a test maps RunTask back to the image by these). */
export const TASK_DEFINITIONS = {
  track: `arn:aws:ecs:${ACCOUNT}:task-definition/clipforge-track:1`,
  render: `arn:aws:ecs:${ACCOUNT}:task-definition/clipforge-render:1`,
  ingest: `arn:aws:ecs:${ACCOUNT}:task-definition/clipforge-ingest:1`,
  transcribe: `arn:aws:ecs:${ACCOUNT}:task-definition/clipforge-transcribe:1`,
} as const;
export const SUBNETS = ['subnet-a', 'subnet-b'];

export function deployedDefinition(opts: { queueUrl: string; workBucket: string; workers?: number }): StateMachineDefinition {
  return JSON.parse(
    substitute(awsPipelineDefinition(SUBNETS.length, opts.workers), {
      IngestResource: lambdaArn('ingest'),
      PlanTranscriptResource: lambdaArn('plan-transcript'),
      JoinTranscriptResource: lambdaArn('join-transcript'),
      ScoreResource: lambdaArn('score'),
      FinalizeResource: lambdaArn('finalize'),
      JobFailedResource: lambdaArn('job-failed'),
      StartEditResource: lambdaArn('start-edit'),
      PublishEditResource: lambdaArn('publish-edit'),
      EditFailedResource: lambdaArn('edit-failed'),
      TranscribeQueueUrl: opts.queueUrl,
      ClusterArn: `arn:aws:ecs:${ACCOUNT}:cluster/clipforge`,
      TrackTaskDefinition: TASK_DEFINITIONS.track,
      RenderTaskDefinition: TASK_DEFINITIONS.render,
      IngestTaskDefinition: TASK_DEFINITIONS.ingest,
      TranscribeTaskDefinition: TASK_DEFINITIONS.transcribe,
      TaskSecurityGroup: 'sg-0123',
      ...Object.fromEntries(SUBNETS.map((s, i) => [`Subnet${i}`, s])),
      WorkBucket: opts.workBucket,
    }),
  ) as StateMachineDefinition;
}

/**
 * A message received from the queue (with `MessageSystemAttributeNames: ['All']`) as the event
 * source mapping delivers it: a batch of one, its attributes as SQS reported them.
 */
export function sqsEventOf(m: Message, queueArn = `arn:aws:sqs:${ACCOUNT}:transcribe`): SQSEvent {
  return {
    Records: [
      {
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: (m.Attributes ?? {}) as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: m.MD5OfBody!,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'us-east-1',
      },
    ],
  };
}
