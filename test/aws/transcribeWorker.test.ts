// The transcription worker Lambda's real handler: an SQS batch of task-token messages, audio in
// S3 and the cache table in moto, the real openai client against the loopback OpenAI-protocol
// server, and the answers (SendTaskSuccess / SendTaskFailure) caught by a loopback Step Functions
// endpoint.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { cached, ffmpeg } from '../helpers/media.ts';
import { type AwsEmulator, createTable, lambdaEnv, startAwsEmulator } from '../helpers/moto.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/openaiServer.ts';
import { startSfnCallbacks } from '../helpers/sfnCallbacks.ts';

let aws: AwsEmulator;
let fake: FakeOpenAi;
let sfn: Awaited<ReturnType<typeof startSfnCallbacks>>;
let s3: S3Client;
const id = randomBytes(3).toString('hex');
const names = { work: `work-${id}`, cache: `cache-${id}` };
let handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

before(async () => {
  aws = await startAwsEmulator();
  fake = await startFakeOpenAi();
  sfn = await startSfnCallbacks();
  s3 = new S3Client(aws.config);
  const ddb = new DynamoDBClient(aws.config);
  await s3.send(new CreateBucketCommand({ Bucket: names.work }));
  await createTable(ddb, 'transcripts', names.cache);
  ddb.destroy();
  const wav = await cached('tones-12s.wav', (p) => ffmpeg(['-f', 'lavfi', '-i', "aevalsrc='0.5*sin(2*PI*440*t)*lt(mod(t\\,2)\\,1.2)':s=16000:d=12", '-ac', '1', '-c:a', 'pcm_s16le', p]));
  await s3.send(new PutObjectCommand({ Bucket: names.work, Key: 'jobs/j1/speech.wav', Body: await readFile(wav) }));
  lambdaEnv(aws, {
    AWS_ENDPOINT_URL_SFN: sfn.url, // task-token answers go to the loopback Step Functions endpoint
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    WORK_BUCKET: names.work,
    CACHE_TABLE: names.cache,
  });
  handler = (await import('../../lambdas/transcribe/handler.ts')).handler;
});
after(async () => {
  s3?.destroy();
  await sfn?.close();
  await fake?.close();
  await aws?.stop();
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

test('each task is answered: success with the stage output, failure named like the error; a malformed message fails alone', async () => {
  const ok = record({ taskToken: 'token-ok', input: { jobId: 'j1', audioKey: 'j1/speech.wav' } });
  const missing = record({ taskToken: 'token-missing', input: { jobId: 'j2', audioKey: 'j2/speech.wav' } });
  const bad = record('{"no": "token"}');
  const res = await handler({ Records: [ok, missing, bad] }, context);
  assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: bad.messageId }]);

  const success = sfn.calls.find((c) => c.body.taskToken === 'token-ok')!;
  assert.equal(success.action, 'SendTaskSuccess');
  const output = JSON.parse(success.body.output!);
  assert.equal(output.transcriptKey, 'j1/transcript.json');
  assert.equal(output.provider, 'openai');
  assert.ok(output.words > 0);
  assert.equal(output.usage.models['whisper-1'].requests, 1);
  const stored = await s3.send(new GetObjectCommand({ Bucket: names.work, Key: 'jobs/j1/transcript.json' }));
  assert.equal(JSON.parse(await stored.Body!.transformToString()).words.length, output.words, 'the transcript is in the work bucket under jobs/');
  assert.equal(fake.transcriptions.length, 1);

  const failure = sfn.calls.find((c) => c.body.taskToken === 'token-missing')!;
  assert.equal(failure.action, 'SendTaskFailure');
  assert.equal(failure.body.error, 'NoSuchKey');

  // The same audio again (a retried execution): answered from the cache, no new request.
  await handler({ Records: [record({ taskToken: 'token-again', input: { jobId: 'j1', audioKey: 'j1/speech.wav' } })] }, context);
  assert.equal(sfn.calls.find((c) => c.body.taskToken === 'token-again')!.action, 'SendTaskSuccess');
  assert.equal(fake.transcriptions.length, 1);
});
