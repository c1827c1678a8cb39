// The jobs API on AWS, behind the same Hono routes as `clipforge serve`: uploads go straight to
// S3 by presigned PUT (its signed length and type are the limits), jobs are recorded in DynamoDB
// and queued for the starter (once per Idempotency-Key, by Powertools idempotency), finished
// clips are served by presigned GET, and a cancel stops the execution.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ExecutionDoesNotExist, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { type SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ApiError } from '../api/apiError.ts';
import { IDEMPOTENCY_TTL_SEC, reusedKey } from '../api/idempotency.ts';
import { INBOX_PREFIX, S3_SINGLE_PUT_MAX_BYTES } from './s3Limits.ts';
import type { JobsBackend } from '../api/routes.ts';
import type { CreateJob, CreateUpload, JobDetail, JobSource, JobStatus, JobSummary, UploadTicket } from '../api/schemas.ts';
import { type Manifest, ManifestSchema } from '../core/schemas.ts';
import { newJobId } from '../core/jobId.ts';
import type { QueuedJob } from './intake.ts';
import { newUploadId } from '../core/jobId.ts';
import { openJobCondition } from './openJobCondition.ts';
import { isOpen } from '../jobs/status.ts';
import { checkUploadSize, pathSourceRefused } from '../jobs/requestRules.ts';

export interface AwsBackendDeps {
  s3: S3Client;
  ddb: DynamoDBClient;
  sqs: SQSClient;
  sfn: SFNClient;
  uploadsBucket: string;
  outputsBucket: string;
  jobsTable: string;
  intakeQueueUrl: string;
  stateMachineArn: string;
  maxUploadBytes: number;
  /** Presigned URLs live this long. */
  urlTtlSec?: number;
  /** Powertools idempotency records for POST /jobs with an Idempotency-Key (none: keys are ignored). */
  idempotencyTable?: string;
}

type JobItem = {
  jobId: string;
  status: JobStatus;
  name?: string;
  source: string;
  createdAt: string;
  updatedAt: string;
  attempts?: number;
  stage?: string;
  pct?: number;
  message?: string;
  error?: string;
  stages?: Record<string, { pct: number; message: string }>;
  manifest?: Manifest;
  /** Where the clips are in the outputs bucket. */
  outputPrefix?: string;
};

export class AwsJobsBackend implements JobsBackend {
  private readonly doc: DynamoDBDocumentClient;
  /** Register each invocation's Lambda context, so an interrupted request's key is freed when it timed out. */
  readonly idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'req', expiresAfterSeconds: IDEMPOTENCY_TTL_SEC });
  private readonly createOnce?: (args: { key: string; req: CreateJob }) => Promise<JobSummary>;

  constructor(private readonly d: AwsBackendDeps) {
    this.doc = DynamoDBDocumentClient.from(d.ddb);
    if (d.idempotencyTable) {
      this.createOnce = makeIdempotent((args: { key: string; req: CreateJob }) => this.createFresh(args.req), {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName: d.idempotencyTable, awsSdkV3Client: d.ddb }),
        config: this.idempotency,
      });
    }
  }

  private get ttl(): number {
    return this.d.urlTtlSec ?? 3600;
  }

  async createUpload(req: CreateUpload): Promise<UploadTicket> {
    // One presigned PUT carries at most 5 GiB; larger files have the inbox.
    checkUploadSize(req, this.d.maxUploadBytes, `copy a larger video into the uploads bucket's ${INBOX_PREFIX} folder instead (aws s3 cp) and it becomes a job`);
    const uploadId = newUploadId();
    const name = req.filename.split('/').pop()!.replace(/[^\w.-]/g, '_') || 'video';
    const command = new PutObjectCommand({ Bucket: this.d.uploadsBucket, Key: `uploads/${uploadId}/${name}`, ContentType: req.contentType, ContentLength: req.size });
    const uploadUrl = await getSignedUrl(this.d.s3, command, { expiresIn: this.ttl, signableHeaders: new Set(['content-type', 'content-length']) });
    return { uploadId, uploadUrl, method: 'PUT', maxBytes: this.d.maxUploadBytes, expiresAt: new Date(Date.now() + this.ttl * 1000).toISOString() };
  }

  private async sourceOf(s: JobSource): Promise<{ uri: string; name: string }> {
    if ('url' in s) return { uri: s.url, name: new URL(s.url).pathname.split('/').pop() || s.url };
    if ('path' in s) throw pathSourceRefused('by the hosted API');
    const listed = await this.d.s3.send(new ListObjectsV2Command({ Bucket: this.d.uploadsBucket, Prefix: `uploads/${s.uploadId}/`, MaxKeys: 1 }));
    const key = listed.Contents?.[0]?.Key;
    if (!key) throw new ApiError(409, `upload ${s.uploadId} has not been received yet (PUT its bytes to the uploadUrl first)`);
    return { uri: `s3://${this.d.uploadsBucket}/${key}`, name: key.split('/').pop()! };
  }

  async createJob(req: CreateJob, idempotencyKey?: string): Promise<JobSummary> {
    if (!idempotencyKey || !this.createOnce) return this.createFresh(req);
    try {
      return await this.createOnce({ key: idempotencyKey, req });
    } catch (err) {
      if (err instanceof IdempotencyValidationError) throw reusedKey(idempotencyKey);
      if (err instanceof IdempotencyAlreadyInProgressError) throw new ApiError(409, `a request with Idempotency-Key ${idempotencyKey} is still being handled; retry in a moment`, 1);
      throw err;
    }
  }

  private async createFresh(req: CreateJob): Promise<JobSummary> {
    const source = await this.sourceOf(req.source);
    const captions = req.captions ? (await this.sourceOf(req.captions)).uri : undefined;
    const now = new Date().toISOString();
    const item: JobItem = { jobId: newJobId(), status: 'queued', name: source.name, source: source.uri, createdAt: now, updatedAt: now, attempts: 0, pct: 0, stages: {} };
    await this.doc.send(new PutCommand({ TableName: this.d.jobsTable, Item: item, ConditionExpression: 'attribute_not_exists(jobId)' }));
    const message: QueuedJob = { kind: 'job', jobId: item.jobId, source: source.uri, ...(captions ? { captions } : {}), ...(req.options ? { options: req.options } : {}) };
    await this.d.sqs.send(new SendMessageCommand({ QueueUrl: this.d.intakeQueueUrl, MessageBody: JSON.stringify(message) }));
    return summary(item);
  }

  async listJobs(): Promise<JobSummary[]> {
    const items: JobItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ TableName: this.d.jobsTable, ExclusiveStartKey: start, ProjectionExpression: 'jobId, #s, #n, createdAt, updatedAt, attempts, stage, pct, message, #e, #src', ExpressionAttributeNames: { '#s': 'status', '#n': 'name', '#e': 'error', '#src': 'source' } }));
      items.push(...((page.Items ?? []) as JobItem[]));
      start = page.LastEvaluatedKey;
    } while (start && items.length < 1000);
    return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 200).map(summary);
  }

  async getJob(id: string): Promise<JobDetail | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.d.jobsTable, Key: { jobId: id } }));
    if (!Item) return undefined;
    const job = Item as JobItem;
    const manifest = job.manifest ? ManifestSchema.parse(job.manifest) : null;
    const prefix = job.outputPrefix ?? `jobs/${job.jobId}/`;
    const link = (file: string) => getSignedUrl(this.d.s3, new GetObjectCommand({ Bucket: this.d.outputsBucket, Key: `${prefix}${file}` }), { expiresIn: this.ttl });
    const clips = await Promise.all(
      (manifest?.clips ?? []).map(async (c) => ({ ...c, urls: { video: await link(c.file), srt: await link(c.srt), vtt: await link(c.vtt), thumbnail: await link(c.thumbnail) } })),
    );
    return { ...summary(job), stages: job.stages ?? {}, manifest, clips };
  }

  async cancelJob(id: string): Promise<JobSummary | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.d.jobsTable, Key: { jobId: id } }));
    if (!Item) return undefined;
    const job = Item as JobItem;
    if (!isOpen(job.status)) return summary(job);
    try {
      await this.d.sfn.send(new StopExecutionCommand({ executionArn: `${this.d.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`, cause: 'cancelled through the API' }));
    } catch (err) {
      if (!(err instanceof ExecutionDoesNotExist)) throw err; // still queued: the starter will find it cancelled
    }
    const open = openJobCondition();
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.d.jobsTable,
          Key: { jobId: id },
          UpdateExpression: 'SET #s = :c, message = :m, updatedAt = :now',
          ConditionExpression: open.expression,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':c': 'cancelled', ':m': 'cancelled', ':now': new Date().toISOString(), ...open.values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return summary(res.Attributes as JobItem);
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return summary((await this.doc.send(new GetCommand({ TableName: this.d.jobsTable, Key: { jobId: id } }))).Item as JobItem); // it ended meanwhile
    }
  }
}

function summary(j: JobItem): JobSummary {
  return {
    jobId: j.jobId,
    status: j.status,
    name: j.name ?? j.source.split('/').pop() ?? j.jobId,
    attempts: j.attempts ?? 0,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    stage: j.stage ?? null,
    pct: j.pct ?? 0,
    message: j.message ?? null,
    error: j.error ?? null,
  };
}
