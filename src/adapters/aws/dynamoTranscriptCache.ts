// The TranscriptCache on DynamoDB (the AWS deployment's transcript cache table): transcripts
// gzipped under `transcript:<key>` with an `expiresAt` that DynamoDB's TTL uses (and that reads
// check, since TTL deletes lazily); leases as `lease:<key>` items taken with a conditional write,
// so concurrent executions of the same media transcribe it once.
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Logger, TranscriptCache } from '../../core/ports.ts';
import { type Transcript, TranscriptSchema } from '../../core/schemas.ts';

/** DynamoDB's item limit is 400 KB; a bigger transcript (several hours of speech) is not cached. */
export const MAX_BODY_BYTES = 380 * 1024;

export class DynamoTranscriptCache implements TranscriptCache {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    private readonly table: string,
    client: DynamoDBClient = new DynamoDBClient({}),
    private readonly log?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.db = DynamoDBDocumentClient.from(client);
  }

  private get epoch(): number {
    return Math.floor(this.now() / 1000);
  }

  async get(key: string): Promise<Transcript | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key: `transcript:${key}` }, ConsistentRead: true }));
    if (!Item || Number(Item.expiresAt) <= this.epoch) return undefined;
    const parsed = TranscriptSchema.safeParse(JSON.parse(gunzipSync(Item.body as Uint8Array).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  }

  async put(key: string, transcript: Transcript, ttlSec: number): Promise<void> {
    const body = gzipSync(JSON.stringify(transcript));
    if (body.length > MAX_BODY_BYTES) {
      this.log?.warn('transcript too large for the cache table; not cached', { bytes: body.length });
      return;
    }
    await this.db.send(new PutCommand({ TableName: this.table, Item: { key: `transcript:${key}`, body, expiresAt: this.epoch + ttlSec } }));
  }

  async claim(key: string, owner: string, leaseSec: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { key: `lease:${key}`, owner, expiresAt: this.epoch + leaseSec },
          ConditionExpression: 'attribute_not_exists(#k) OR expiresAt <= :now OR #o = :owner',
          ExpressionAttributeNames: { '#k': 'key', '#o': 'owner' },
          ExpressionAttributeValues: { ':now': this.epoch, ':owner': owner },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async release(key: string, owner: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { key: `lease:${key}` },
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // someone else's lease by now: leave it
    }
  }
}
