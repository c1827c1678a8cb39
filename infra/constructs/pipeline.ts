// The pipeline on AWS: the Lambda stages (ingest, score, finalize, jobFailed), the transcription
// worker, the Fargate tasks, and the Step Functions state machine deployed from the shared
// definition. An EventBridge rule catches executions that end without reaching JobFailed
// (timed out, aborted outside the API) and marks their jobs failed too.
import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TASK_INPUT_PREFIX, awsPipelineDefinition } from '../pipelineDefinition.ts';
import { acknowledgeWildcardResources, nagArnOf, nagArnPrefix } from '../nag.ts';
import { FargateTasks, type TaskSize } from './fargateTasks.ts';
import { nodeLambda } from './nodeLambda.ts';
import { type StageResources, grantEditCleanup, grantStageAccess, stageEnvironment } from './stageAccess.ts';
import { Transcription } from './transcription.ts';
import { logGroup } from './logGroup.ts';

export interface PipelineProps extends StageResources {
  transcribeQueue: Queue;
  cache: Table;
  openAiKey: ISecret;
  /** The state machine's name (the starter and the API address executions by it). */
  stateMachineName: string;
  /** Transcription workers at once across every job (default 2). */
  transcribeConcurrency?: number;
  /** Speech-API requests per minute across every job (default 10). */
  speechRequestsPerMinute?: number;
  track?: TaskSize;
  render?: TaskSize;
}

export class Pipeline extends Construct {
  readonly stages: Record<
    'ingest' | 'planTranscript' | 'joinTranscript' | 'score' | 'finalize' | 'jobFailed' | 'startEdit' | 'publishEdit' | 'editFailed',
    NodejsFunction
  >;
  readonly transcription: Transcription;
  readonly tasks: FargateTasks;
  readonly stateMachine: StateMachine;
  /** Execution-ended events whose JobFailed call failed for good. */
  failedEvents!: Queue;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const env = stageEnvironment(props);
    const stage = (name: keyof Pipeline['stages'], opts: Parameters<typeof nodeLambda>[4], extra: Record<string, string> = {}) => {
      const fn = nodeLambda(this, `${name[0]!.toUpperCase()}${name.slice(1)}`, 'lambdas/stages/handler.ts', { ...env, ...extra }, { ...opts, handler: name });
      grantStageAccess(fn.role!, props);
      return fn;
    };
    this.stages = {
      // Reads the whole source once (speech extraction) and may download a URL source first.
      ingest: stage('ingest', { ffmpeg: true, memoryMiB: 2048, tmpGiB: 10, timeout: Duration.minutes(15) }),
      // Finds the pauses in the speech to cut it into spans (a 4-hour WAV is 460 MB).
      // Reads the key secret only to choose the speech engine (the worker's spans, or the offline task).
      planTranscript: stage(
        'planTranscript',
        { ffmpeg: true, memoryMiB: 1024, tmpGiB: 2, timeout: Duration.minutes(15) },
        { OPENAI_SECRET_ARN: props.openAiKey.secretArn },
      ),
      joinTranscript: stage('joinTranscript', { memoryMiB: 1024, timeout: Duration.minutes(5) }),
      score: stage('score', { memoryMiB: 1024, timeout: Duration.minutes(10) }, { OPENAI_SECRET_ARN: props.openAiKey.secretArn }),
      // Writes the manifest, then the job's ZIP (every clip streamed from S3 into a multipart upload).
      finalize: stage('finalize', { memoryMiB: 1024, timeout: Duration.minutes(10) }),
      jobFailed: stage('jobFailed', { timeout: Duration.minutes(1) }),
      // An edit's steps: check and lock; publish the new version (manifest, record, ZIP); clean up a failed one.
      startEdit: stage('startEdit', { timeout: Duration.minutes(5) }),
      publishEdit: stage('publishEdit', { memoryMiB: 1024, timeout: Duration.minutes(10) }),
      editFailed: stage('editFailed', { timeout: Duration.minutes(1) }),
    };
    // Publishing removes the replaced version's files; every edit step removes its scratch objects.
    for (const fn of [this.stages.startEdit, this.stages.publishEdit, this.stages.editFailed]) grantEditCleanup(fn.role!, props);
    props.openAiKey.grantRead(this.stages.score);
    props.openAiKey.grantRead(this.stages.planTranscript);

    this.transcription = new Transcription(this, 'Transcription', {
      ...props,
      queue: props.transcribeQueue,
      maxConcurrency: props.transcribeConcurrency ?? 2,
      requestsPerMinute: props.speechRequestsPerMinute ?? 10,
    });
    this.tasks = new FargateTasks(this, 'Tasks', {
      ...props,
      ...(props.track ? { track: props.track } : {}),
      ...(props.render ? { render: props.render } : {}),
    });

    const subnets = this.tasks.vpc.publicSubnets.map((s) => s.subnetId);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: DefinitionBody.fromString(awsPipelineDefinition(subnets.length, props.transcribeConcurrency ?? 2)),
      definitionSubstitutions: {
        IngestResource: this.stages.ingest.functionArn,
        PlanTranscriptResource: this.stages.planTranscript.functionArn,
        JoinTranscriptResource: this.stages.joinTranscript.functionArn,
        ScoreResource: this.stages.score.functionArn,
        FinalizeResource: this.stages.finalize.functionArn,
        JobFailedResource: this.stages.jobFailed.functionArn,
        StartEditResource: this.stages.startEdit.functionArn,
        PublishEditResource: this.stages.publishEdit.functionArn,
        EditFailedResource: this.stages.editFailed.functionArn,
        TranscribeQueueUrl: props.transcribeQueue.queueUrl,
        ClusterArn: this.tasks.cluster.clusterArn,
        TrackTaskDefinition: this.tasks.track.taskDefinitionArn,
        RenderTaskDefinition: this.tasks.render.taskDefinitionArn,
        IngestTaskDefinition: this.tasks.ingest.taskDefinitionArn,
        TranscribeTaskDefinition: this.tasks.transcribe.taskDefinitionArn,
        TaskSecurityGroup: this.tasks.securityGroup.securityGroupId,
        WorkBucket: props.work.bucketName,
        ...Object.fromEntries(subnets.map((s, i) => [`Subnet${i}`, s])),
      },
      tracingEnabled: true,
      logs: { destination: logGroup(this, 'ExecutionLogs'), level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.hours(12),
    });
    // The ${...} placeholders are DefinitionSubstitutions, which CloudFormation fills in itself:
    // cfn-lint's E1029 ("embedded parameter outside Fn::Sub") is a false positive here, and only here.
    Validations.of(this.stateMachine).acknowledge({
      id: 'CloudFormation-Validate::E1029',
      reason: 'The placeholders are filled by DefinitionSubstitutions, not Fn::Sub.',
    });
    (this.stateMachine.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['E1029'] } });
    this.grantOrchestration(props);
    this.watchExecutions();
  }

  /** What the state machine itself calls: the stage Lambdas, the transcribe queue, the Fargate tasks. */
  private grantOrchestration(props: PipelineProps): void {
    const sm = this.stateMachine;
    for (const fn of Object.values(this.stages)) fn.grantInvoke(sm);
    props.transcribeQueue.grantSendMessages(sm);
    for (const def of [this.tasks.track, this.tasks.render, this.tasks.ingest, this.tasks.transcribe]) {
      sm.addToRolePolicy(
        new PolicyStatement({
          actions: ['ecs:RunTask'],
          // Every revision of the family: a deploy registers a new revision while executions that
          // started before it still run the old one (granting the current revision only failed them).
          resources: [Stack.of(this).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${def.family}:*` })],
          conditions: { ArnEquals: { 'ecs:cluster': this.tasks.cluster.clusterArn } },
        }),
      );
      sm.addToRolePolicy(new PolicyStatement({ actions: ['iam:PassRole'], resources: [def.taskRole.roleArn, def.obtainExecutionRole().roleArn] }));
    }
    // RunTask with PropagateTags tags the new task: needed once the stack carries tags (cdk deploy --tags, organisation policies).
    sm.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:TagResource'],
        resources: [Stack.of(this).formatArn({ service: 'ecs', resource: 'task', resourceName: `${this.tasks.cluster.clusterName}/*` })],
        conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      }),
    );
    // The clip tasks' inputs, written by the Save*Input states.
    sm.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [props.work.arnForObjects(`${TASK_INPUT_PREFIX}*`)] }));
    const policy = sm.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const stack = Stack.of(this);
      acknowledgeWildcardResources(
        policy,
        Object.values(this.stages).map((fn) => `<${stack.resolve(stack.getLogicalId(fn.node.defaultChild as never))}.Arn>:*`),
        'Invoking any version of the stage functions, which aws-cdk-lib grants with the function itself.',
      );
      acknowledgeWildcardResources(
        policy,
        ['*'],
        'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) has no resource-level permissions.',
      );
      acknowledgeWildcardResources(
        policy,
        [`${nagArnPrefix(this, 'ecs')}task/<${stack.resolve(stack.getLogicalId(this.tasks.cluster.node.defaultChild as never))}>/*`],
        "Task ids are made by RunTask; tagging is allowed on this cluster's tasks only, when RunTask creates them.",
      );
      acknowledgeWildcardResources(
        policy,
        [this.tasks.track, this.tasks.render, this.tasks.ingest, this.tasks.transcribe].map(
          (def) => `${nagArnPrefix(this, 'ecs')}task-definition/${def.family}:*`,
        ),
        "Every revision of the stack's own task definition families: executions started before a deploy run the revision they started with.",
      );
      acknowledgeWildcardResources(
        policy,
        [`${nagArnOf(props.work)}/${TASK_INPUT_PREFIX}*`],
        'Clip task inputs are written per job and clip under one prefix of the work bucket.',
      );
    }
  }

  private watchExecutions(): void {
    this.failedEvents = new Queue(this, 'ExecutionEndedDlq', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(this.failedEvents).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the execution-ended rule and of the JobFailed function.',
    });
    // The function itself, invoked asynchronously: its own failures after Lambda's retries go to the same queue.
    this.stages.jobFailed.configureAsyncInvoke({ onFailure: new SqsDestination(this.failedEvents), retryAttempts: 2 });
    new Rule(this, 'ExecutionEnded', {
      description: 'clipforge: executions that ended without running JobFailed mark their job failed',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [
        // Delivered again for up to a day; an event that still fails lands in a queue instead of leaving the job "running".
        new LambdaFunction(this.stages.jobFailed, {
          deadLetterQueue: this.failedEvents,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          event: RuleTargetInput.fromObject({
            jobId: EventField.fromPath('$.detail.name'),
            error: { Error: EventField.fromPath('$.detail.status'), Cause: `the execution ended: ${EventField.fromPath('$.detail.status')}` },
          }),
        }),
      ],
    });
  }
}
