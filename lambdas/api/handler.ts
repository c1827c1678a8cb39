// HTTP API Lambda: the same Hono routes and zod schemas as `clipforge serve`, on the AWS backend.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { type Context as HonoContext, Hono } from 'hono';
import { type Caller, adminPatterns, callerOf } from '../../src/api/caller.ts';
import { handle } from 'hono/aws-lambda';
import { z } from 'zod';
import { S3_SINGLE_PUT_MAX_BYTES } from '../../src/aws/s3Limits.ts';
import { ApiError } from '../../src/api/apiError.ts';
import { errorResponse, jobsApi } from '../../src/api/routes.ts';
import { AwsJobsBackend } from '../../src/aws/awsJobsBackend.ts';
import { readEnv } from '../../src/aws/readEnv.ts';
import { lambdaTools } from '../../src/aws/lambdaTools.ts';

const { logger, capture, traced } = lambdaTools('clipforge-api');
const env = readEnv(
  z.object({
    UPLOADS_BUCKET: z.string().min(1),
    OUTPUTS_BUCKET: z.string().min(1),
    JOBS_TABLE: z.string().min(1),
    INTAKE_QUEUE_URL: z.string().min(1),
    STATE_MACHINE_ARN: z.string().min(1),
    // One presigned PUT: S3 refuses a single PUT over 5 GiB, so no cap above it can be kept.
    MAX_UPLOAD_BYTES: z.coerce.number().int().positive().max(S3_SINGLE_PUT_MAX_BYTES).default(S3_SINGLE_PUT_MAX_BYTES),
    IDEMPOTENCY_TABLE: z.string().min(1).optional(),
    /** Comma-separated IAM ARN patterns of callers who see every job (src/api/caller.ts). */
    ADMIN_PRINCIPALS: z.string().optional(),
  }),
  'API Lambda',
);

const backend = new AwsJobsBackend({
  s3: capture(new S3Client({})),
  ddb: capture(new DynamoDBClient({})),
  sqs: capture(new SQSClient({})),
  sfn: capture(new SFNClient({})),
  uploadsBucket: env.UPLOADS_BUCKET,
  outputsBucket: env.OUTPUTS_BUCKET,
  jobsTable: env.JOBS_TABLE,
  intakeQueueUrl: env.INTAKE_QUEUE_URL,
  stateMachineArn: env.STATE_MACHINE_ARN,
  maxUploadBytes: env.MAX_UPLOAD_BYTES,
  ...(env.IDEMPOTENCY_TABLE ? { idempotencyTable: env.IDEMPOTENCY_TABLE } : {}),
});

const admins = adminPatterns(env.ADMIN_PRINCIPALS);
type Env = { Bindings: { event: { requestContext?: { authorizer?: { iam?: { userArn?: string } } } } } };
/** The signer of the request (every route is IAM-authorised, so API Gateway has its identity). */
const who = (c: HonoContext<Env>): Caller => {
  const caller = callerOf(c.env?.event?.requestContext?.authorizer?.iam?.userArn, admins);
  if (!caller) throw new ApiError(403, 'the request carries no IAM identity (sign it with SigV4)');
  return caller;
};

const app = new Hono<Env>();
app.onError((err) => {
  if (!(err instanceof ApiError)) logger.error('request failed', err as Error);
  return errorResponse(err);
});
app.route('/', jobsApi<Env>(backend, who));
app.notFound(() => errorResponse(new ApiError(404, 'no such route')));

const onRequest = handle(app);

export const handler = traced('api', async (event: Parameters<typeof onRequest>[0], context: Context) => {
  backend.idempotency.registerLambdaContext(context);
  return onRequest(event, context);
});
