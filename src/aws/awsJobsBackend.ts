// The jobs API on AWS, behind the same Hono routes as `clipforge serve`: uploads go straight to
// S3 by presigned PUT (its signed length and type are the limits), jobs are recorded in DynamoDB
// and queued for the starter (once per Idempotency-Key, by Powertools idempotency), finished
// clips are served by presigned GET, and a cancel stops the execution.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseS3 } from '../adapters/aws/s3SourceResolver.ts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ExecutionDoesNotExist, type SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { type SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ApiError } from '../api/apiError.ts';
import { type Caller, mayAccess } from '../api/caller.ts';
import { redactUrlQuery } from '../core/redact.ts';
import { IDEMPOTENCY_TTL_SEC, reusedKey } from '../api/idempotency.ts';
import { INBOX_PREFIX } from './s3Limits.ts';
import type { JobsBackend } from '../api/routes.ts';
import type { CreateJob, CreateUpload, JobDetail, JobSource, JobSummary, RenderState, TranscriptView, UploadTicket } from '../api/schemas.ts';
import { ManifestSchema } from '../core/schemas.ts';
import { newJobId, newUploadId } from '../core/jobId.ts';
import type { QueuedJob } from './intake.ts';
import type { JobRecord } from '../jobs/jobRepository.ts';
import { isOpen } from '../jobs/status.ts';
import { DynamoJobRepository } from '../adapters/aws/dynamoJobRepository.ts';
import { summary } from '../jobs/summary.ts';
import { sourceName } from '../jobs/sourceName.ts';
import { outputPrefix } from './jobOutcome.ts';
import { CLIPS_ZIP } from '../jobs/clipsZip.ts';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { S3Storage } from '../adapters/aws/s3Storage.ts';
import { DynamoEditLocks } from '../adapters/aws/dynamoEditLocks.ts';
import { type EditRequest, busyMessage, checkEdit } from '../editing/editClip.ts';
import type { ClipEdit, NewClip } from '../editing/editSchemas.ts';
import { readKept } from '../editing/jobKeep.ts';
import { transcriptView } from '../editing/transcriptView.ts';
import { editApiError } from '../api/editErrors.ts';

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

export class AwsJobsBackend implements JobsBackend {
  private readonly jobs: DynamoJobRepository;
  /** Register each invocation's Lambda context, so an interrupted request's key is freed when it timed out. */
  readonly idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'req', expiresAfterSeconds: IDEMPOTENCY_TTL_SEC });
  private readonly createOnce?: (args: { key: string; req: CreateJob; owner: string }) => Promise<JobSummary>;

  constructor(private readonly d: AwsBackendDeps) {
    this.jobs = new DynamoJobRepository(d.ddb, d.jobsTable);
    if (d.idempotencyTable) {
      this.createOnce = makeIdempotent((args: { key: string; req: CreateJob; owner: string }) => this.createFresh(args.req, args.owner), {
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
    checkUploadSize(
      req,
      this.d.maxUploadBytes,
      `copy a larger video into the uploads bucket's ${INBOX_PREFIX} folder instead (aws s3 cp) and it becomes a job`,
    );
    const uploadId = newUploadId();
    const name =
      req.filename
        .split('/')
        .pop()!
        .replace(/[^\w.-]/g, '_') || 'video';
    const command = new PutObjectCommand({
      Bucket: this.d.uploadsBucket,
      Key: `uploads/${uploadId}/${name}`,
      ContentType: req.contentType,
      ContentLength: req.size,
    });
    const uploadUrl = await getSignedUrl(this.d.s3, command, { expiresIn: this.ttl, signableHeaders: new Set(['content-type', 'content-length']) });
    return { uploadId, uploadUrl, method: 'PUT', maxBytes: this.d.maxUploadBytes, expiresAt: new Date(Date.now() + this.ttl * 1000).toISOString() };
  }

  private async sourceOf(s: JobSource): Promise<{ uri: string; name: string }> {
    if ('url' in s) return { uri: s.url, name: sourceName(s.url) };
    if ('path' in s) throw pathSourceRefused('by the hosted API');
    const listed = await this.d.s3.send(new ListObjectsV2Command({ Bucket: this.d.uploadsBucket, Prefix: `uploads/${s.uploadId}/`, MaxKeys: 1 }));
    const key = listed.Contents?.[0]?.Key;
    if (!key) throw new ApiError(409, `upload ${s.uploadId} has not been received yet (PUT its bytes to the uploadUrl first)`);
    return { uri: `s3://${this.d.uploadsBucket}/${key}`, name: sourceName(key) };
  }

  async createJob(req: CreateJob, caller: Caller, idempotencyKey?: string): Promise<JobSummary> {
    if (!idempotencyKey || !this.createOnce) return this.createFresh(req, caller.owner);
    try {
      // The key is the caller's own: another caller's equal key is another request.
      return await this.createOnce({ key: `${caller.owner} ${idempotencyKey}`, req, owner: caller.owner });
    } catch (err) {
      if (err instanceof IdempotencyValidationError) throw reusedKey(idempotencyKey);
      if (err instanceof IdempotencyAlreadyInProgressError)
        throw new ApiError(409, `a request with Idempotency-Key ${idempotencyKey} is still being handled; retry in a moment`, 1);
      throw err;
    }
  }

  private async createFresh(req: CreateJob, owner: string): Promise<JobSummary> {
    const source = await this.sourceOf(req.source);
    const captions = req.captions ? (await this.sourceOf(req.captions)).uri : undefined;
    const jobId = newJobId();
    // The record shows the source without its query (a presigned or tokened URL's secret); the
    // execution gets it whole, since the fetch needs it.
    await this.jobs.create({
      jobId,
      name: source.name,
      source: redactUrlQuery(source.uri),
      captions: captions ? redactUrlQuery(captions) : null,
      options: req.options ?? {},
      owner,
    });
    const message: QueuedJob = { kind: 'job', jobId, source: source.uri, ...(captions ? { captions } : {}), ...(req.options ? { options: req.options } : {}) };
    await this.d.sqs.send(new SendMessageCommand({ QueueUrl: this.d.intakeQueueUrl, MessageBody: JSON.stringify(message) }));
    return summary((await this.jobs.get(jobId))!);
  }

  async listJobs(caller: Caller): Promise<JobSummary[]> {
    return (caller.admin ? await this.jobs.list() : await this.jobs.listByOwner(caller.owner)).map(summary);
  }

  /** The job, if the caller may see it: another caller's job is "no such job" (nothing to learn from). */
  private async visible(id: string, caller: Caller) {
    const job = await this.jobs.get(id);
    return job && mayAccess(caller, job.owner) ? job : undefined;
  }

  async getJob(id: string, _origin: string, caller: Caller): Promise<JobDetail | undefined> {
    const job = await this.visible(id, caller);
    if (!job) return undefined;
    const manifest = job.manifest ? ManifestSchema.parse(job.manifest) : null;
    const prefix = outputPrefix(job.jobId);
    const link = (file: string) =>
      getSignedUrl(this.d.s3, new GetObjectCommand({ Bucket: this.d.outputsBucket, Key: `${prefix}${file}` }), { expiresIn: this.ttl });
    const clips = await Promise.all(
      (manifest?.clips ?? []).map(async (c) => ({
        ...c,
        urls: { video: await link(c.file), srt: await link(c.srt), vtt: await link(c.vtt), thumbnail: await link(c.thumbnail) },
      })),
    );
    const zip = job.status === 'done' && manifest ? { downloads: { zip: await this.zipLink(job.jobId) } } : {};
    return { ...summary(job), stages: job.stages, manifest, clips, ...zip };
  }

  private zipLink(jobId: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.d.outputsBucket,
      Key: `${outputPrefix(jobId)}${CLIPS_ZIP}`,
      ResponseContentDisposition: `attachment; filename="clips-${jobId}.zip"`,
    });
    return getSignedUrl(this.d.s3, command, { expiresIn: this.ttl });
  }

  // Editing: checked here (400, 404, 409 at once), run as an execution of the same state machine
  // from its StartEdit state (src/aws/editSteps.ts), followed over the WebSocket as `edit` messages.

  /**
   * An ended job deleted: its record first (a crash halfway leaves objects the lifecycle rule
   * expires, never a job whose clips are gone), then its outputs (clips, transcript, kept source,
   * ZIP) and the upload it was made from. Refused while one of its clips re-renders.
   */
  private async deleteJob(job: JobRecord): Promise<JobSummary> {
    const locks = new DynamoEditLocks(this.d.ddb, this.d.jobsTable, job.jobId);
    const names = ['new-clip', ...(job.manifest?.clips ?? []).map((c) => `clip-${c.rank}`)];
    for (const name of names) {
      if (await locks.held(name)) throw new ApiError(409, `a clip of job ${job.jobId} is being re-rendered; delete the job when that is done`);
    }
    if (!(await this.jobs.remove(job.jobId))) {
      const now = await this.jobs.get(job.jobId);
      if (!now) throw new ApiError(404, `no job ${job.jobId}`);
      return summary(now);
    }
    await this.kept(job.jobId).removePrefix('');
    for (const uri of [job.source, job.captions]) {
      const object = typeof uri === 'string' && uri.startsWith(`s3://${this.d.uploadsBucket}/uploads/`) ? parseS3(uri) : undefined;
      if (object) await this.d.s3.send(new DeleteObjectCommand(object));
    }
    return { ...summary(job), message: 'deleted' };
  }

  private async doneJob(id: string, caller: Caller) {
    const job = await this.visible(id, caller);
    if (job && job.status !== 'done') throw new ApiError(409, `job ${id} is ${job.status}: its clips can be edited once it is done`);
    return job;
  }

  private kept(jobId: string) {
    return new S3Storage(this.d.outputsBucket, this.d.s3, tmpdir(), outputPrefix(jobId));
  }

  async transcript(id: string, caller: Caller): Promise<TranscriptView | undefined> {
    if (!(await this.doneJob(id, caller))) return undefined;
    return transcriptView(await readKept(this.kept(id)).catch((err: unknown) => Promise.reject(editApiError(err))));
  }

  async editClip(id: string, rank: number, edit: ClipEdit, caller: Caller): Promise<RenderState | undefined> {
    return this.startEditExecution(id, caller, { rank, edit });
  }

  async addClip(id: string, req: NewClip, caller: Caller): Promise<RenderState | undefined> {
    return this.startEditExecution(id, caller, { newClip: req });
  }

  private async startEditExecution(id: string, caller: Caller, req: EditRequest): Promise<RenderState | undefined> {
    if (!(await this.doneJob(id, caller))) return undefined;
    const checked = await checkEdit(req, { outputs: this.kept(id) }).catch((err: unknown) => Promise.reject(editApiError(err)));
    if (await new DynamoEditLocks(this.d.ddb, this.d.jobsTable, id).held(checked.lock)) throw new ApiError(409, busyMessage(req));
    const renderId = `e${randomBytes(6).toString('hex')}`;
    const edit = 'newClip' in req ? { renderId, newClip: req.newClip } : { renderId, rank: req.rank, edit: req.edit };
    await this.d.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.d.stateMachineArn, name: `${id}-${renderId}`, input: JSON.stringify({ jobId: id, edit }) }),
    );
    return {
      renderId,
      jobId: id,
      rank: checked.rank,
      version: checked.version,
      changed: checked.changed,
      status: 'running',
      pct: 0,
      message: 'starting',
      error: null,
      createdAt: new Date().toISOString(),
    };
  }

  /** The ZIP the finalize stage wrote (src/aws/jobZip.ts), by a presigned link: 302. */
  async clipsZip(id: string, caller: Caller): Promise<Response | undefined> {
    const job = await this.visible(id, caller);
    if (!job) return undefined;
    if (job.status !== 'done') throw new ApiError(409, `job ${id} is ${job.status}: its clips can be downloaded once it is done`);
    return new Response(null, { status: 302, headers: { location: await this.zipLink(id), 'cache-control': 'no-store' } });
  }

  async cancelJob(id: string, caller: Caller): Promise<JobSummary | undefined> {
    const job = await this.visible(id, caller);
    if (!job) return undefined;
    if (!isOpen(job.status)) return this.deleteJob(job);
    // The record first: the execution's end (reported as ABORTED) then finds the job cancelled, not failed.
    if (isOpen(job.status) && (await this.jobs.end(id, { status: 'cancelled', message: 'cancelled' }))) {
      try {
        await this.d.sfn.send(
          new StopExecutionCommand({
            executionArn: `${this.d.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`,
            cause: 'cancelled through the API',
          }),
        );
      } catch (err) {
        if (!(err instanceof ExecutionDoesNotExist)) throw err; // not started yet: the starter skips a job that ended
      }
    }
    return summary((await this.jobs.get(id))!);
  }
}
