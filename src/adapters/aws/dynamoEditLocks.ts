// Edit locks on AWS: an attribute on the job's record, set only where it is absent or expired
// (one conditional UpdateItem), removed on release. An expiry, because the execution that holds a
// lock can die without releasing it (a timeout, a stopped execution): the lock outlives the
// longest edit (track and render at most an hour each) and no more.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EditLocks } from '../../editing/editClip.ts';

/** A clip's lock outlives its edit's longest run: track (1 h) and render (1 h) with their retries. */
const CLIP_LOCK_MS = 3 * 3600_000;
/** The manifest is held for one read-modify-write of a few objects. */
const MANIFEST_LOCK_MS = 120_000;

export class DynamoEditLocks implements EditLocks {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    ddb: DynamoDBClient,
    private readonly table: string,
    private readonly jobId: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(ddb);
  }

  private attribute(name: string): string {
    return `editLock_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  }

  async tryHold(name: string): Promise<boolean> {
    const now = Date.now();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { jobId: this.jobId },
          UpdateExpression: 'SET #l = :until',
          ConditionExpression: 'attribute_exists(jobId) AND (attribute_not_exists(#l) OR #l < :now)',
          ExpressionAttributeNames: { '#l': this.attribute(name) },
          ExpressionAttributeValues: { ':until': now + (name === 'manifest' ? MANIFEST_LOCK_MS : CLIP_LOCK_MS), ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Whether a live lock is held (a read: the API's early 409; taking it stays the step's, atomically). */
  async held(name: string): Promise<boolean> {
    const attr = this.attribute(name);
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { jobId: this.jobId }, ProjectionExpression: '#l', ExpressionAttributeNames: { '#l': attr } }),
    );
    const until = got.Item?.[attr];
    return typeof until === 'number' && until > Date.now();
  }

  async release(name: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { jobId: this.jobId },
        UpdateExpression: 'REMOVE #l',
        ExpressionAttributeNames: { '#l': this.attribute(name) },
      }),
    );
  }
}
