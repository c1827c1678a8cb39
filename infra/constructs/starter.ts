// The starter Lambda on the intake queue: bounded concurrency (a burst of uploads waits in the
// queue instead of starting a burst of executions), partial batch failures, one execution per job.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';

// The newest Node runtime Lambda offers (cdk-nag's L1 asks for the latest); the code targets Node 22+.
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
const ROOT = join(import.meta.dirname, '..', '..');

export interface StarterProps {
  intake: Queue;
  jobs: Table;
  stateMachineArn: string;
  /** Executions started at once at most (SQS event source maximum concurrency, at least 2). */
  maxConcurrency?: number;
}

/** A Node Lambda bundled locally by esbuild (no Docker), with its own log group and role. */
export function nodeLambda(scope: Construct, id: string, entry: string, environment: Record<string, string>, timeout = Duration.seconds(60)): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  // An explicit role with only its own log group, instead of the AWS managed basic-execution policy.
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  return new NodejsFunction(scope, id, {
    entry: join(ROOT, entry),
    runtime: LAMBDA_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: 512,
    timeout,
    role,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'clipforge', ...environment },
    bundling: { format: OutputFormat.ESM, sourceMap: true, target: 'node22', mainFields: ['module', 'main'], banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
}

export class Starter extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: StarterProps) {
    super(scope, id);
    this.fn = nodeLambda(this, 'Fn', 'lambdas/starter/handler.ts', { JOBS_TABLE: props.jobs.tableName, STATE_MACHINE_ARN: props.stateMachineArn });
    props.jobs.grantWriteData(this.fn);
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachineArn] }));
    this.fn.addEventSource(new SqsEventSource(props.intake, { batchSize: 10, maxConcurrency: props.maxConcurrency ?? 2, reportBatchItemFailures: true }));
  }
}

/** The pipeline state machine's ARN, known before it exists (it is named after the stack). */
export function pipelineArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${stack.stackName}-pipeline`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
