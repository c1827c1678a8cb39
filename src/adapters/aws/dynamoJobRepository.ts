// The job repository on AWS: one DynamoDB item per job (the jobs table, key jobId). Each move is
// an UpdateCommand whose condition names the statuses it may leave (src/jobs/status.ts), so a
// late progress event, a retried stage or a redelivered message never revives a job that ended.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_LIST_LIMIT, type JobEnd, type JobRecord, type JobRepository, type NewJob, type ProgressUpdate, endMessage } from '../../jobs/jobRepository.ts';
import { type JobStatus, statusesInto } from '../../jobs/status.ts';
import { JOB_KEEP_DAYS } from '../../aws/s3Limits.ts';
import type { Manifest } from '../../core/schemas.ts';

/** A list reads at most this many items before sorting (a Scan has no order; the table keeps finished jobs JOB_KEEP_DAYS). */
const LIST_SCAN_MAX = 1000;
/** What a list reads of each item. */
const SUMMARY_ATTRIBUTES = [
  'jobId',
  'status',
  'name',
  'source',
  'captions',
  'options',
  'attempts',
  'createdAt',
  'updatedAt',
  'stage',
  'pct',
  'message',
  'error',
  'owner',
];

/** The jobs table's index by owner, newest first (infra/constructs/tables.ts). */
export const JOBS_BY_OWNER = 'byOwner';

export class DynamoJobRepository<S = string> implements JobRepository<S> {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    ddb: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  }

  async create(job: NewJob<S>): Promise<boolean> {
    const at = new Date().toISOString();
    const item = { ...job, status: 'queued', attempts: 0, createdAt: at, updatedAt: at, pct: 0, stages: {} };
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(jobId)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async get(jobId: string): Promise<JobRecord<S> | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { jobId }, ConsistentRead: true }));
    return Item && toRecord<S>(Item);
  }

  /** One caller's newest `limit` jobs, newest first, read in order from the owner index (no scan). */
  async listByOwner(owner: string, limit = DEFAULT_LIST_LIMIT): Promise<JobRecord<S>[]> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: JOBS_BY_OWNER,
        KeyConditionExpression: '#o = :o',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':o': owner },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => ({ ...toRecord<S>(i), manifest: null, stages: {} }));
  }

  async list(limit = DEFAULT_LIST_LIMIT): Promise<JobRecord<S>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          ExclusiveStartKey: start,
          ProjectionExpression: SUMMARY_ATTRIBUTES.map((a) => `#${a}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(SUMMARY_ATTRIBUTES.map((a) => [`#${a}`, a])),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && items.length < LIST_SCAN_MAX);
    return items
      .map((i) => toRecord<S>(i))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  async start(jobId: string): Promise<boolean> {
    return this.move(jobId, 'running', 'attempts = if_not_exists(attempts, :zero) + :one REMOVE #e', { ':zero': 0, ':one': 1 }, { '#e': 'error' });
  }

  async progress(jobId: string, u: ProgressUpdate): Promise<boolean> {
    return this.move(
      jobId,
      'running',
      'stage = :stage, pct = :pct, message = :msg, stages.#st = :entry',
      { ':stage': u.stage, ':pct': u.pct, ':msg': u.message, ':entry': { pct: u.pct, message: u.message } },
      { '#st': u.stage },
    );
  }

  async end(jobId: string, how: JobEnd): Promise<boolean> {
    const msg = endMessage(how);
    // The table's TTL removes the record JOB_KEEP_DAYS after the job ended (the outputs expire with it).
    const expiresAt = Math.floor(Date.now() / 1000) + JOB_KEEP_DAYS * 86_400;
    if (how.status === 'done')
      return this.move(jobId, 'done', 'manifest = :manifest, pct = :pct, message = :msg, expiresAt = :exp', {
        ':manifest': how.manifest,
        ':pct': 100,
        ':msg': msg,
        ':exp': expiresAt,
      });
    if (how.status === 'failed')
      return this.move(jobId, 'failed', '#e = :msg, message = :msg, expiresAt = :exp', { ':msg': msg, ':exp': expiresAt }, { '#e': 'error' });
    return this.move(jobId, 'cancelled', 'message = :msg, expiresAt = :exp', { ':msg': msg, ':exp': expiresAt });
  }

  /** Forgets an ended job (its objects are the caller's to remove); false when it is open or unknown. */
  async remove(jobId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { jobId },
          ConditionExpression: '#s IN (:d, :f, :c)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':d': 'done', ':f': 'failed', ':c': 'cancelled' },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** A finished job's manifest after an edit re-rendered a clip (src/editing/); false unless the job is done. */
  async replaceManifest(jobId: string, manifest: Manifest): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { jobId },
          UpdateExpression: 'SET manifest = :m, updatedAt = :now',
          ConditionExpression: '#s = :done',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':m': manifest, ':now': new Date().toISOString(), ':done': 'done' },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** `set` continues "SET #s = :to, updatedAt = :now, …" (and may add a REMOVE clause). */
  private async move(jobId: string, to: JobStatus, set: string, values: Record<string, unknown>, names: Record<string, string> = {}): Promise<boolean> {
    const from = Object.fromEntries(statusesInto(to).map((s, i) => [`:from${i}`, s]));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { jobId },
          UpdateExpression: `SET #s = :to, updatedAt = :now, ${set}`,
          ConditionExpression: `#s IN (${Object.keys(from).join(', ')})`,
          ExpressionAttributeNames: { '#s': 'status', ...names },
          ExpressionAttributeValues: { ':to': to, ':now': new Date().toISOString(), ...from, ...values },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}

function toRecord<S>(i: Record<string, unknown>): JobRecord<S> {
  const s = (k: string) => (typeof i[k] === 'string' ? (i[k] as string) : null);
  return {
    jobId: String(i.jobId),
    status: i.status as JobStatus,
    name: s('name') ?? String(i.jobId),
    source: i.source as S,
    captions: (i.captions as S | undefined) ?? null,
    options: (i.options as JobRecord['options'] | undefined) ?? {},
    attempts: Number(i.attempts ?? 0),
    createdAt: String(i.createdAt),
    updatedAt: String(i.updatedAt),
    stage: s('stage'),
    pct: Number(i.pct ?? 0),
    message: s('message'),
    error: s('error'),
    stages: (i.stages as JobRecord['stages'] | undefined) ?? {},
    manifest: (i.manifest as JobRecord['manifest'] | undefined) ?? null,
    ...(typeof i.owner === 'string' ? { owner: i.owner } : {}),
  };
}
