// The AWS adapters with the real AWS SDK against moto's server on loopback (or LocalStack, with
// CLIPFORGE_AWS_ENDPOINT): S3 storage (multipart, atomic writes, prefix removal) and the
// DynamoDB transcript cache (TTL, conditional-write leases across "executions").
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CachingTranscriber } from '../../src/adapters/cache/cachingTranscriber.ts';
import { DynamoTranscriptCache } from '../../src/adapters/aws/dynamoTranscriptCache.ts';
import { S3Storage } from '../../src/adapters/aws/s3Storage.ts';
import type { CallContext, Transcriber } from '../../src/core/ports.ts';
import type { Transcript } from '../../src/core/schemas.ts';
import { type AwsEmulator, createTable, startAwsEmulator } from '../helpers/moto.ts';

let aws: AwsEmulator;
let s3: S3Client;
let ddb: DynamoDBClient;
const bucket = `work-${randomBytes(4).toString('hex')}`;
const table = `cache-${randomBytes(4).toString('hex')}`;

before(async () => {
  aws = await startAwsEmulator();
  s3 = new S3Client(aws.config);
  ddb = new DynamoDBClient(aws.config);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await createTable(ddb, 'transcripts', table);
});
after(async () => {
  s3?.destroy();
  ddb?.destroy();
  await aws?.stop();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('S3 storage: a large object goes up in parts and comes back identical; text round-trips; prefixes are removed', async () => {
  const store = new S3Storage(bucket, s3);
  const big = randomBytes(20 * 1024 * 1024 + 123);
  await store.writeFile('jobs/j1/speech.wav', (tmp) => writeFile(tmp, big));
  assert.equal(await store.exists('jobs/j1/speech.wav'), true);
  assert.equal(sha(await readFile(await store.localPath('jobs/j1/speech.wav'))), sha(big));
  await store.writeText('jobs/j1/transcript.json', '{"words":[]}');
  assert.equal(await store.readText('jobs/j1/transcript.json'), '{"words":[]}');
  await store.writeText('jobs/j2/keep.txt', 'other job');
  await store.removePrefix('jobs/j1/');
  const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual(
    (left.Contents ?? []).map((o) => o.Key),
    ['jobs/j2/keep.txt'],
  );
  assert.equal(await store.exists('jobs/j1/speech.wav'), false);
});

test('S3 storage: a write that fails leaves no object', async () => {
  const store = new S3Storage(bucket, s3);
  await assert.rejects(
    store.writeFile('jobs/j3/clip.mp4', async (tmp) => {
      await writeFile(tmp, 'half');
      throw new Error('encoder died');
    }),
    /encoder died/,
  );
  assert.equal(await store.exists('jobs/j3/clip.mp4'), false);
});

const transcript: Transcript = { provider: 'openai', model: 'whisper-1', audioSeconds: 3, words: [{ w: 'hello', start: 0, end: 0.4 }] };

test('DynamoDB cache: round trip, and an entry past its TTL is a miss even before DynamoDB deletes it', async () => {
  let now = Date.now();
  const cache = new DynamoTranscriptCache(table, ddb, undefined, () => now);
  await cache.put('k1', transcript, 60);
  assert.deepEqual(await cache.get('k1'), transcript);
  now += 61_000;
  assert.equal(await cache.get('k1'), undefined);
  assert.equal(await cache.get('never'), undefined);
});

test('DynamoDB cache: a lease is held by one owner until released or expired', async () => {
  let now = Date.now();
  const cache = new DynamoTranscriptCache(table, ddb, undefined, () => now);
  const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((o) => cache.claim('k2', o, 30)));
  assert.equal(results.filter(Boolean).length, 1, 'five at once, one wins');
  const holder = ['a', 'b', 'c', 'd', 'e'][results.indexOf(true)]!;
  const other = holder === 'a' ? 'b' : 'a';
  assert.equal(await cache.claim('k2', holder, 30), true, 'the holder renews');
  await cache.release('k2', other);
  assert.equal(await cache.claim('k2', other, 30), false, "someone else's release does not free it");
  now += 31_000;
  assert.equal(await cache.claim('k2', other, 30), true, 'an expired lease can be taken');
  await cache.release('k2', other);
  assert.equal(await cache.claim('k2', holder, 30), true, 'a released lease can be taken');
});

class CountingTranscriber implements Transcriber {
  readonly name = 'counting';
  readonly model = 'm';
  calls = 0;
  async transcribe(_audio: string, _ctx?: CallContext): Promise<Transcript> {
    this.calls++;
    await new Promise((r) => setTimeout(r, 300));
    return transcript;
  }
}

test('two executions of the same audio on the DynamoDB cache transcribe it once', async () => {
  const audio = `/tmp/clipforge-aws-audio-${randomBytes(3).toString('hex')}.wav`;
  await writeFile(audio, randomBytes(1000));
  const inner = new CountingTranscriber();
  // Two "Lambda invocations": separate decorators (no shared in-process state), one table.
  const one = new CachingTranscriber(inner, new DynamoTranscriptCache(table, ddb), { pollMs: 100 });
  const two = new CachingTranscriber(inner, new DynamoTranscriptCache(table, ddb), { pollMs: 100 });
  const [a, b] = await Promise.all([one.transcribe(audio), two.transcribe(audio)]);
  assert.deepEqual(a, transcript);
  assert.deepEqual(b, transcript);
  assert.equal(inner.calls, 1);
});
