// The HTTP API for jobs: one Lambda serving the shared Hono routes, IAM-authorised (requests are
// SigV4-signed with the caller's AWS credentials: nothing to issue or rotate in a one-account
// deployment, and access is granted with ordinary IAM policies), access-logged and throttled.
import { Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { JOBS_BY_OWNER } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources, nagArnOf, nagArnPrefix } from '../nag.ts';
import { nodeLambda } from './nodeLambda.ts';
import { logGroup } from './logGroup.ts';
import { S3_SINGLE_PUT_MAX_BYTES } from '../../src/aws/s3Limits.ts';

export interface JobsApiProps {
  uploads: Bucket;
  outputs: Bucket;
  jobs: Table;
  /** Powertools idempotency records of POST /jobs with an Idempotency-Key. */
  idempotency: Table;
  intake: Queue;
  stateMachineArn: string;
  /** Uploads through the API are one presigned PUT: at most 5 GiB (the default). */
  maxUploadBytes?: number;
  /** IAM ARN patterns of callers who see every job (src/api/caller.ts); others see their own. */
  adminPrincipals?: string[];
}

export class JobsApi extends Construct {
  readonly api: HttpApi;
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: JobsApiProps) {
    super(scope, id);
    const maxUploadBytes = props.maxUploadBytes ?? S3_SINGLE_PUT_MAX_BYTES;
    if (maxUploadBytes > S3_SINGLE_PUT_MAX_BYTES)
      throw new Error(`maxUploadBytes ${maxUploadBytes} is over the ${S3_SINGLE_PUT_MAX_BYTES} bytes S3 takes in one PUT`);
    this.fn = nodeLambda(
      this,
      'Fn',
      'lambdas/api/handler.ts',
      {
        UPLOADS_BUCKET: props.uploads.bucketName,
        OUTPUTS_BUCKET: props.outputs.bucketName,
        JOBS_TABLE: props.jobs.tableName,
        INTAKE_QUEUE_URL: props.intake.queueUrl,
        STATE_MACHINE_ARN: props.stateMachineArn,
        MAX_UPLOAD_BYTES: String(maxUploadBytes),
        ADMIN_PRINCIPALS: (props.adminPrincipals ?? []).join(','),
        IDEMPOTENCY_TABLE: props.idempotency.tableName,
      },
      { timeout: Duration.seconds(29) },
    );
    // Exactly what the routes do, no grant helpers' wildcard actions.
    const executions = props.stateMachineArn.replace(':stateMachine:', ':execution:');
    for (const statement of [
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [props.uploads.arnForObjects('uploads/*')] }),
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.uploads.bucketArn], conditions: { StringLike: { 's3:prefix': ['uploads/*'] } } }),
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [props.outputs.arnForObjects('jobs/*')] }),
      // An edit reads the job's kept files (a missing one must be a 404 to HEAD, not a 403).
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.outputs.bucketArn], conditions: { StringLike: { 's3:prefix': ['jobs/*'] } } }),
      // An edit is an execution of the pipeline from its StartEdit state.
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachineArn] }),
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan', 'dynamodb:DeleteItem'],
        resources: [props.jobs.tableArn],
      }),
      // DELETE of an ended job removes its outputs and the upload it was made from.
      new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [props.outputs.arnForObjects('jobs/*'), props.uploads.arnForObjects('uploads/*')] }),
      // GET /jobs for one caller: their jobs, newest first, from the owner index.
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.jobs.tableArn}/index/${JOBS_BY_OWNER}`] }),
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotency.tableArn],
      }),
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.intake.queueArn] }),
      new PolicyStatement({ actions: ['states:StopExecution'], resources: [`${executions}:*`] }),
    ]) {
      this.fn.addToRolePolicy(statement);
    }
    const policy = this.fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(
        policy,
        [
          `${nagArnOf(props.uploads)}/uploads/*`,
          `${nagArnOf(props.outputs)}/jobs/*`,
          `${nagArnPrefix(this, 'states')}execution:${Stack.of(this).stackName}-pipeline:*`,
        ],
        'Keys are made per upload and per job, and executions are named by job id, so these resources can only be named by prefix; each is scoped to its own prefix and no action is a wildcard.',
      );
    }

    this.api = new HttpApi(this, 'Api', {
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
      defaultIntegration: new HttpLambdaIntegration('Jobs', this.fn),
    });
    for (const [path, methods] of [
      ['/uploads', [HttpMethod.POST]],
      ['/jobs', [HttpMethod.GET, HttpMethod.POST]],
      ['/jobs/{id}', [HttpMethod.GET, HttpMethod.DELETE]],
    ] as const) {
      this.api.addRoutes({ path, methods: [...methods], integration: new HttpLambdaIntegration(`Jobs${path.replace(/\W/g, '')}`, this.fn) });
    }
    const logs = logGroup(this, 'AccessLogs');
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(logs) },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
  }
}
