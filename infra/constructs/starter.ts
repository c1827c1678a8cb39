// The starter Lambda on the intake queue: bounded concurrency (a burst of uploads waits in the
// queue instead of starting a burst of executions), partial batch failures, one execution per job.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { acknowledgeWildcardResources, nagArnPrefix } from '../nag.ts';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nodeLambda } from './nodeLambda.ts';

export interface StarterProps {
  intake: Queue;
  jobs: Table;
  stateMachineArn: string;
  /** Executions started at once at most (SQS event source maximum concurrency, at least 2). */
  maxConcurrency?: number;
  /** Jobs running at once at most; more wait in the intake queue (default 10). */
  maxRunningJobs?: number;
}

export class Starter extends Construct {
  readonly fn: NodejsFunction;
  /** Every 15 minutes: jobs stuck queued are sent again, or failed with the reason (src/aws/queuedSweeper.ts). */
  readonly sweeper: NodejsFunction;

  constructor(scope: Construct, id: string, props: StarterProps) {
    super(scope, id);
    this.fn = nodeLambda(this, 'Fn', 'lambdas/starter/handler.ts', {
      JOBS_TABLE: props.jobs.tableName,
      STATE_MACHINE_ARN: props.stateMachineArn,
      INTAKE_QUEUE_URL: props.intake.queueUrl,
      MAX_RUNNING_JOBS: String(props.maxRunningJobs ?? 10),
    });
    // PutItem: the record, if new. GetItem: a job the API recorded first (POST /jobs writes the
    // record, then queues the request) is read back to see whether it is still open; without it
    // every API job stayed queued. The table only, not its indexes.
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [props.jobs.tableArn] }));
    // ListExecutions: how many jobs run (admission control); SendMessage: a job over the limit waits as a new message.
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution', 'states:ListExecutions'], resources: [props.stateMachineArn] }));
    props.intake.grantSendMessages(this.fn);
    const env = { JOBS_TABLE: props.jobs.tableName, STATE_MACHINE_ARN: props.stateMachineArn, INTAKE_QUEUE_URL: props.intake.queueUrl };
    this.sweeper = nodeLambda(this, 'Sweeper', 'lambdas/sweeper/handler.ts', env, { timeout: Duration.minutes(5) });
    for (const s of [
      new PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:UpdateItem'], resources: [props.jobs.tableArn] }),
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [`${props.stateMachineArn.replace(':stateMachine:', ':execution:')}:*`] }),
    ])
      this.sweeper.addToRolePolicy(s);
    props.intake.grantSendMessages(this.sweeper);
    const policy = this.sweeper.role?.node.tryFindChild('DefaultPolicy');
    if (policy)
      acknowledgeWildcardResources(
        policy,
        [`${nagArnPrefix(this, 'states')}execution:${pipelineName(this)}:*`],
        "An execution is named by its job, so the sweeper may describe this state machine's executions only.",
      );
    new Rule(this, 'SweepSchedule', { schedule: Schedule.rate(Duration.minutes(15)), targets: [new LambdaFunction(this.sweeper)] });
    this.fn.addEventSource(new SqsEventSource(props.intake, { batchSize: 10, maxConcurrency: props.maxConcurrency ?? 2, reportBatchItemFailures: true }));
  }
}

/** The pipeline state machine is named after the stack, so its ARN is known before it exists. */
export function pipelineName(scope: Construct): string {
  return `${Stack.of(scope).stackName}-pipeline`;
}

export function pipelineArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: pipelineName(scope),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
