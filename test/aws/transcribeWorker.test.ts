// The transcription worker Lambda's real handler: an SQS batch of task-token messages, audio in
// S3 and the cache table in moto, the real openai client against the loopback OpenAI-protocol
// server, and the answers (SendTaskSuccess / SendTaskFailure) caught by a loopback Step Functions
// endpoint.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { cached, ffmpeg } from '../helpers/media.ts';
import { type AwsWorld, startAwsWorld } from '../helpers/awsWorld.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/openaiServer.ts';

let world: AwsWorld;
let fake: FakeOpenAi;
let s3: S3Client;
let handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

before(async () => {
  world = await startAwsWorld();
  fake = await startFakeOpenAi();
  s3 = world.s3;
  const wav = await cached('tones-12s.wav', (p) =>
    ffmpeg(['-f', 'lavfi', '-i', "aevalsrc='0.5*sin(2*PI*440*t)*lt(mod(t\\,2)\\,1.2)':s=16000:d=12", '-ac', '1', '-c:a', 'pcm_s16le', p]),
  );
  await s3.send(new PutObjectCommand({ Bucket: world.names.work, Key: 'jobs/j1/speech.wav', Body: await readFile(wav) }));
  await world.addJob('j1', 'running');
  await world.subscribe('listener', 'j1');
  // The stage environment the stack sets, the answers to the loopback Step Functions endpoint.
  Object.assign(process.env, world.env, { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.url });
  handler = (await import('../../lambdas/transcribe/handler.ts')).handler;
});
after(async () => {
  await fake?.close();
  await world?.close();
});

const record = (body: unknown): SQSRecord =>
  ({
    messageId: randomUUID(),
    receiptHandle: 'r',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:Transcribe',
    awsRegion: 'us-east-1',
  }) as SQSRecord;

const context = { functionName: 'transcribe', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

/** The second of the spans the plan made (src/stages/transcribeSpans.ts). */
const SPAN = { index: 1, start: 4, end: 10 };

/** The worker's answer to a token (after the heartbeat it sends as it starts). */
const answer = (token: string) => world.sfn.calls.find((c) => c.body.taskToken === token && c.action !== 'SendTaskHeartbeat')!;

test('each task is answered: success with the stage output, failure named like the error; a malformed message fails alone', async () => {
  const ok = record({ taskToken: 'token-ok', input: { jobId: 'j1', audioKey: 'j1/speech.wav', span: SPAN } });
  const missing = record({ taskToken: 'token-missing', input: { jobId: 'j2', audioKey: 'j2/speech.wav', span: SPAN } });
  const bad = record('{"no": "token"}');
  const res = await handler({ Records: [ok, missing, bad] }, context);
  assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: bad.messageId }]);

  const success = answer('token-ok');
  assert.equal(success.action, 'SendTaskSuccess');
  assert.equal(
    world.sfn.calls.find((c) => c.body.taskToken === 'token-ok')!.action,
    'SendTaskHeartbeat',
    'a heartbeat as the work starts: the step fails within minutes if the worker dies',
  );
  const output = JSON.parse(success.body.output!);
  assert.equal(output.wordsKey, 'j1/transcript-span-001.json');
  assert.equal(output.provider, 'openai');
  assert.equal(output.usage.models['whisper-1'].requests, 1);
  const stored = await s3.send(new GetObjectCommand({ Bucket: world.names.work, Key: 'jobs/j1/transcript-span-001.json' }));
  const words = JSON.parse(await stored.Body!.transformToString()) as Array<{ start: number; end: number }>;
  assert.ok(words.length > 0, "the span's words are in the work bucket under jobs/");
  assert.ok(
    words.every((w) => w.start >= SPAN.start - 0.01 && w.end <= SPAN.end + 0.25),
    `times in the whole audio, inside the span (MP3 framing aside): ${JSON.stringify(words.at(-1))}`,
  );
  assert.equal(fake.transcriptions.length, 1);
  const pushed = world.ws.received.get('listener') as Array<{ stage: string; message: string }>;
  assert.ok(
    pushed.some((m) => m.stage === 'transcribe' && /transcribed 4-10 s/.test(m.message)),
    "the worker pushes the job's transcribe progress",
  );

  const failure = answer('token-missing');
  assert.equal(failure.action, 'SendTaskFailure');
  assert.equal(failure.body.error, 'NoSuchKey');

  // The same audio again (a retried execution): answered from the cache, no new request.
  await handler({ Records: [record({ taskToken: 'token-again', input: { jobId: 'j1', audioKey: 'j1/speech.wav', span: SPAN } })] }, context);
  assert.equal(answer('token-again').action, 'SendTaskSuccess');
  assert.equal(fake.transcriptions.length, 1);
});

test('a task whose execution no longer waits (a redelivered, already answered message) is dropped, not retried', async () => {
  world.sfn.expired.add('token-stale');
  const before = fake.transcriptions.length;
  // Audio not heard before (no cache hit): the refused first heartbeat stops the work before any speech request.
  await s3.send(
    new PutObjectCommand({ Bucket: world.names.work, Key: 'jobs/j1/other.wav', Body: await readFile(await cached('tones-12s.wav', async () => undefined)) }),
  );
  const stale = record({ taskToken: 'token-stale', input: { jobId: 'j1', audioKey: 'j1/other.wav', span: { ...SPAN, start: 1 } } });
  const res = await handler({ Records: [stale] }, context);
  assert.equal(fake.transcriptions.length, before, 'nobody waits for it: no speech request was made');
  assert.deepEqual(res.batchItemFailures, [], 'no redelivery into the dead-letter queue');
  assert.equal(
    world.sfn.calls.some((c) => c.body.taskToken === 'token-stale'),
    false,
  );
});
