// The state machine as deployed (infra/pipelineDefinition.ts: the shared definition with the
// transcribe step on an SQS task token and the track/render steps as Fargate tasks on task
// tokens), executed locally by aws-local-stepfunctions with each integration played by its real
// counterpart, reached by host name: Lambda states invoke the synthesized Lambda bundles as
// processes under their limits (test/helpers/deployedBundle.ts), the SQS state sends its message
// to the emulator's queue and hands what the queue returns to the transcription worker's bundle,
// the S3 states write the clip tasks' inputs to the emulator's work bucket, and the ECS states
// run the task images built from containers/Dockerfile (podman) with the container overrides from
// the definition. Every bundle and task acts with its own role's credentials (test/helpers/roles.ts). Task tokens are as long as Step Functions' (1-2 KB). Answers come back through a
// loopback Step Functions endpoint, as they would to Step Functions. Covers an upload and a URL
// source to finished clips, a transient RunTask failure retried, and bad input (not a video, a
// truncated upload) failed once, without a retry, and recorded.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { ManifestSchema } from '../../src/core/schemas.ts';
import { SUBNETS, TASK_DEFINITIONS, deployedDefinition, sqsEventOf } from '../helpers/deployedDefinition.ts';
import { type LocalHandlers, runStateMachine } from '../../src/runtime/local/stateMachine.ts';
import { type AwsWorld, startAwsWorld } from '../helpers/awsWorld.ts';
import { faceTalk, probe, separateStreams, truncatedCopy } from '../helpers/media.ts';
import { runTaskImage } from '../helpers/taskProcess.ts';
import { startPageSite, vttOf } from '../helpers/pageServer.ts';
import { TALK } from '../../src/samples/talkScript.ts';
import { realisticTaskToken } from '../helpers/taskToken.ts';
import { type DeployedFunctions, call, deployedFunctions } from '../helpers/deployedBundle.ts';
import { roleEnv } from '../helpers/roles.ts';
import { zipListing } from '../helpers/zipListing.ts';
import { DynamoEditLocks } from '../../src/adapters/aws/dynamoEditLocks.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/openaiServer.ts';

let world: AwsWorld;
let fake: FakeOpenAi;
let sqs: SQSClient;
let queueUrl: string;
let definition: StateMachineDefinition;
let functions: DeployedFunctions;
let lambdaEnv: Record<string, string>;
/** A Lambda state: the function's bundle, with its own role's credentials. */
const stage =
  (path: string, env: Record<string, string> = {}) =>
  async (input: unknown) => {
    const fn = functions.get(path);
    const role = await roleEnv(world.aws, functions.stack, fn.roleId, world.stackNames);
    return call(fn, input, { ...lambdaEnv, ...role, ...env });
  };

before(async () => {
  world = await startAwsWorld();
  fake = await startFakeOpenAi();
  // Spans of 30 s instead of 20 minutes: the test talk is transcribed in several worker runs, as a long source is.
  lambdaEnv = { ...world.env, OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.url, CLIPFORGE_OPENAI_RPM: '1000', CLIPFORGE_TRANSCRIBE_SPAN_SEC: '30' };
  sqs = new SQSClient(world.aws.config);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `transcribe-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  definition = deployedDefinition({ queueUrl, workBucket: world.names.work });
  functions = deployedFunctions();
});
after(async () => {
  functions?.remove();
  sqs?.destroy();
  await fake?.close();
  await world?.close();
});

/** What Step Functions does when a task token is answered: the output, or an error named as sent. */
async function answerOf(token: string): Promise<unknown> {
  for (let i = 0; i < 6000; i++) {
    const call = world.sfn.calls.find((c) => c.body.taskToken === token && c.action !== 'SendTaskHeartbeat');
    if (call?.action === 'SendTaskSuccess') return JSON.parse(call.body.output!);
    if (call?.action === 'SendTaskFailure') throw Object.assign(new Error(call.body.cause ?? ''), { name: call.body.error ?? 'Error' });
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer for ${token}`);
}

interface Harness {
  handlers: LocalHandlers;
  runTasks: Array<{ stage: string; token: string }>;
  calls: Record<string, number>;
}

/** The integrations, played by the real parts; `failFirstRender` makes the first Render RunTask fail as ECS would report it. */
function harness(opts: { failFirstRender?: boolean; failEditRender?: boolean; ingestEnv?: Record<string, string>; noKey?: boolean } = {}): Harness {
  // No OpenAI key: neither in the environment nor in a secret (the stages that read one).
  const keyEnv: Record<string, string> = opts.noKey ? { OPENAI_API_KEY: '' } : {};
  const runTasks: Harness['runTasks'] = [];
  const calls: Record<string, number> = {};
  let renderCalls = 0;
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);

  const ecs = async (params: any) => {
    const stage = Object.entries(TASK_DEFINITIONS).find(([, arn]) => arn === params.TaskDefinition)?.[0];
    assert.ok(stage, `a task definition of the stack: ${params.TaskDefinition}`);
    assert.equal(params.LaunchType, 'FARGATE');
    assert.deepEqual(params.NetworkConfiguration.AwsvpcConfiguration.Subnets, SUBNETS);
    if (stage === 'render' && opts.failFirstRender && renderCalls++ === 0) {
      throw Object.assign(new Error('RunTask: capacity is unavailable at this time'), { name: 'ECS.AmazonECSException' });
    }
    // One token per task, as long as Step Functions' (the local interpreter gives every task the same short one).
    const token = realisticTaskToken();
    const overrides = JSON.parse(JSON.stringify(params.Overrides).replaceAll(JSON.stringify(INTERPRETER_TOKEN), JSON.stringify(token)));
    assert.ok(JSON.stringify(overrides).length <= ECS_OVERRIDES_MAX, `RunTask overrides within ECS's ${ECS_OVERRIDES_MAX} characters`);
    const [container] = overrides.ContainerOverrides;
    assert.equal(container.Name, 'task');
    const env = Object.fromEntries(container.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
    assert.deepEqual(Object.keys(env).sort(), ['TASK_INPUT_KEY', 'TASK_TOKEN'], 'the input goes by reference');
    runTasks.push({ stage, token });
    const own = stage === 'ingest' ? (opts.ingestEnv ?? {}) : {};
    const role = await roleEnv(world.aws, functions.stack, functions.taskRole(stage), world.stackNames);
    // The task's built image, as Fargate runs it, with its role's credentials; the buckets by name.
    const res = await runTaskImage(
      stage,
      { ...world.env, ...role, ...own, TASK_INPUT_KEY: env.TASK_INPUT_KEY, TASK_TOKEN: env.TASK_TOKEN, TASK_HEARTBEAT_SEC: '5' },
      [world.names.uploads, world.names.work, world.names.outputs].map((b) => `${b}.localhost`),
    );
    assert.equal(res.code, 0, res.stderr);
    return answerOf(token);
  };

  /** aws-sdk:s3:putObject as Step Functions makes it (an object Body is sent as its JSON). */
  const putObject = async (params: any) => {
    await world.s3.send(new PutObjectCommand({ Bucket: params.Bucket, Key: params.Key, Body: JSON.stringify(params.Body), ContentType: params.ContentType }));
    return {};
  };
  const handlers: LocalHandlers & Record<string, (input: unknown) => Promise<unknown>> = {
    Ingest: async (i) => (count('Ingest'), stage('Pipeline/Ingest', opts.ingestEnv)(i)),
    PlanTranscript: async (i) => (count('PlanTranscript'), stage('Pipeline/PlanTranscript', keyEnv)(i)),
    JoinTranscript: async (i) => (count('JoinTranscript'), stage('Pipeline/JoinTranscript')(i)),
    Score: async (i) => (count('Score'), stage('Pipeline/Score', keyEnv)(i)),
    Finalize: async (i) => (count('Finalize'), stage('Pipeline/Finalize')(i)),
    JobFailed: async (i) => (count('JobFailed'), stage('Pipeline/JobFailed')(i)),
    SaveIngestInput: putObject,
    SaveTrackInput: putObject,
    SaveRenderInput: putObject,
    SaveTranscribeInput: putObject,
    TranscribeTask: async (p) => (count('TranscribeTask'), ecs(p)),
    IngestTask: async (p) => (count('IngestTask'), ecs(p)),
    Transcribe: () => Promise.reject(new Error('the deployed definition has no Transcribe state')),
    TranscribeSpan: async (params: any) => {
      count('TranscribeSpan');
      const token = realisticTaskToken();
      await sqs.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: JSON.stringify({ ...params.MessageBody, taskToken: token }) }));
      // The worker's event source: what the queue hands out, as an SQS batch of one.
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: params.QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['All'] }),
      );
      assert.equal(Messages?.length, 1);
      const m = Messages![0]!;
      const event = sqsEventOf(m);
      const res = await stage('Pipeline/Transcription/Fn')(event);
      assert.deepEqual(res.batchItemFailures, []);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: params.QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      return answerOf(token);
    },
    TrackFace: async (p) => (count('TrackFace'), ecs(p)),
    Render: async (p) => (count('Render'), ecs(p)),
    // An edit's steps: its own functions, and the job's track and render tasks.
    StartEdit: async (i) => (count('StartEdit'), stage('Pipeline/StartEdit')(i)),
    SaveEditTrackInput: putObject,
    SaveEditRenderInput: putObject,
    EditTrack: async (p) => (count('EditTrack'), ecs(p)),
    EditRender: async (p) => {
      count('EditRender');
      if (opts.failEditRender) throw Object.assign(new Error('the render task stopped: OutOfMemoryError'), { name: 'States.TaskFailed' });
      return ecs(p);
    },
    PublishEdit: async (i) => (count('PublishEdit'), stage('Pipeline/PublishEdit')(i)),
    EditFailed: async (i) => (count('EditFailed'), stage('Pipeline/EditFailed')(i)),
    EditRefused: async (i) => (count('EditRefused'), stage('Pipeline/EditFailed')(i)),
  };
  return { handlers, runTasks, calls };
}

const options = { clips: 2, minSec: 10, maxSec: 25, concurrency: 2, maxDurationSec: 7200 };
/** What the local interpreter puts in $$.Task.Token; each integration swaps in a realistic one. */
const INTERPRETER_TOKEN = 'from-the-interpreter';
/** ECS refuses RunTask overrides over 8,192 characters. */
const ECS_OVERRIDES_MAX = 8192;

test('happy path, with the first Render RunTask failing transiently: clips in the outputs bucket, the job done, progress pushed', async () => {
  const source = await world.upload('uploads/sm/talk.mp4', await faceTalk());
  await world.addJob('sm-happy');
  await world.subscribe('watcher', 'sm-happy');
  const h = harness({ failFirstRender: true });
  const output = await runStateMachine({ jobId: 'sm-happy', source, options }, h.handlers, {
    definition,
    context: { Task: { Token: INTERPRETER_TOKEN } },
    retryDelayMs: 10,
  });
  const manifest = ManifestSchema.parse(output);

  assert.equal(manifest.clips.length, 2);
  const failures = world.sfn.calls.filter((c) => c.action === 'SendTaskFailure');
  assert.deepEqual(failures, [], 'no task failed');
  assert.equal(h.calls.Render, 3, 'the failed RunTask was retried by the definition');
  assert.equal(h.runTasks.filter((t) => t.stage === 'render').length, 2);
  assert.equal(h.runTasks.filter((t) => t.stage === 'track').length, 2);
  assert.ok(h.calls.TranscribeSpan! >= 2, `the speech was transcribed in spans, one worker run each (${h.calls.TranscribeSpan})`);
  assert.equal(fake.transcriptions.length >= h.calls.TranscribeSpan!, true, 'each worker run called the speech API');
  const stored = await world.s3.send(new GetObjectCommand({ Bucket: world.names.work, Key: 'jobs/sm-happy/transcript.json' }));
  const words = (JSON.parse(await stored.Body!.transformToString()) as { words: Array<{ start: number }> }).words.map((w) => w.start);
  assert.deepEqual(
    words,
    [...words].sort((a, b) => a - b),
    'the spans joined in order',
  );
  assert.ok(words.at(-1)! > manifest.source.duration - 15, `words from the last span too (last at ${words.at(-1)} s of ${manifest.source.duration})`);
  assert.ok(
    manifest.clips.every((c) => c.crop.fallback === null),
    'faces tracked in the Fargate task',
  );

  const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.outputs, Prefix: 'jobs/sm-happy/' }));
  const keys = (listed.Contents ?? []).map((o) => o.Key!.replace('jobs/sm-happy/', '')).sort();
  for (const c of manifest.clips) for (const f of [c.file, c.srt, c.vtt, c.thumbnail]) assert.ok(keys.includes(f), `${f} in the outputs bucket`);
  assert.ok(keys.includes('clips.json'));
  // The job's ZIP, written by the finalize function under its role: every clip file whole, and the manifest.
  const zip = await world.s3.send(new GetObjectCommand({ Bucket: world.names.outputs, Key: 'jobs/sm-happy/clips.zip' }));
  const zipPath = join(await mkdtemp(join(tmpdir(), 'aws-zip-')), 'clips.zip');
  await writeFile(zipPath, await zip.Body!.transformToByteArray());
  const inZip = Object.fromEntries(Object.entries(zipListing(zipPath)).map(([name, e]) => [name, e.size]));
  assert.deepEqual(Object.keys(inZip).sort(), [...manifest.clips.flatMap((c) => [c.file, c.srt, c.vtt, c.thumbnail]), 'clips.json', 'report.html'].sort());
  for (const o of listed.Contents ?? []) {
    const name = o.Key!.replace('jobs/sm-happy/', '');
    if (name in inZip) assert.equal(inZip[name], o.Size, `${name} whole in the ZIP`);
  }

  const job = await world.job('sm-happy');
  assert.equal(job?.status, 'done');
  for (const stage of ['ingest', 'transcribe', 'score', 'track', 'render', 'finalize']) assert.equal(job?.stages[stage]?.pct, 100, `${stage} reached 100%`);
  const pushed = world.ws.received.get('watcher') as Array<{ type: string; stage?: string }>;
  const firstOf = (stage: string) => pushed.findIndex((m) => m.stage === stage);
  assert.ok(
    firstOf('ingest') < firstOf('transcribe') && firstOf('transcribe') < firstOf('score') && firstOf('score') < firstOf('track'),
    'stages pushed in order',
  );
  assert.equal(pushed.at(-1)!.type, 'done');
});

test("an edit of the finished job runs from StartEdit under the functions' roles: a word corrected, boxed captions; a busy clip and a failed render change nothing", async () => {
  const out = (key: string) =>
    world.s3.send(new GetObjectCommand({ Bucket: world.names.outputs, Key: `jobs/sm-happy/${key}` })).then((r) => r.Body!.transformToString());
  // What the finalize function kept for edits: the transcript, job.json and the source, copied.
  const transcript = JSON.parse(await out('transcript.json')) as { words: Array<{ w: string; start: number; end: number }> };
  const kept = JSON.parse(await out('job.json')) as { source: { file: string; kept: boolean } };
  assert.deepEqual([kept.source.file, kept.source.kept], ['source.mp4', true]);
  const before = ManifestSchema.parse(JSON.parse(await out('clips.json')));
  const c1 = before.clips[0]!;
  const target = transcript.words.findIndex((w) => w.start >= c1.start && w.end <= c1.end && /^[a-z]{4,}$/i.test(w.w));
  assert.ok(target >= 0);
  const run = (h: Harness, edit: unknown, renderId: string) =>
    runStateMachine({ jobId: 'sm-happy', edit: { renderId, ...(edit as object) } }, h.handlers, {
      definition,
      context: { Task: { Token: INTERPRETER_TOKEN } },
      retryDelayMs: 10,
    });
  const pushed = () =>
    (world.ws.received.get('watcher') ?? []) as Array<{ type: string; renderId?: string; status?: string; error?: string | null; version?: number }>;

  const h = harness();
  const done = await run(h, { rank: 1, edit: { captionStyle: 'boxed', corrections: [{ from: target, to: target, text: 'Zanzibar' }] } }, 'e-first');
  assert.deepEqual(done, { rank: 1, version: 2 });
  assert.equal(h.calls.EditTrack, undefined, 'same bounds and frame: no tracking');
  assert.deepEqual(
    h.runTasks.map((t) => t.stage),
    ['render'],
  );
  const after = ManifestSchema.parse(JSON.parse(await out('clips.json')));
  const e1 = after.clips[0]!;
  assert.deepEqual([e1.version, e1.file, e1.look?.captionStyle], [2, 'clip-1.v2.mp4', 'boxed']);
  assert.deepEqual(after.clips[1], before.clips[1], 'the other clip is as it was');
  assert.match(await out(e1.srt), /Zanzibar/);
  const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.outputs, Prefix: 'jobs/sm-happy/clip-1' }));
  assert.deepEqual((listed.Contents ?? []).map((o) => o.Key!.split('/').pop()).sort(), ['clip-1.v2.jpg', 'clip-1.v2.mp4', 'clip-1.v2.srt', 'clip-1.v2.vtt']);
  assert.equal((await world.job('sm-happy'))?.manifest?.clips[0]?.version, 2, "the job's record has the new manifest");
  const mine = pushed().filter((m) => m.type === 'edit' && m.renderId === 'e-first');
  assert.ok(mine.filter((m) => m.status === 'running').length >= 2, 'the render reported as the edit');
  assert.equal(mine.at(-1)!.status, 'done');

  // A clip already being re-rendered: the second edit is refused and pushed as such.
  const locks = new DynamoEditLocks(world.ddb, world.names.jobs, 'sm-happy');
  assert.equal(await locks.tryHold('clip-1'), true);
  const busy = harness();
  await run(busy, { rank: 1, edit: { hookTitle: true } }, 'e-busy');
  assert.deepEqual([busy.calls.EditRefused, busy.runTasks.length], [1, 0]);
  assert.match(pushed().find((m) => m.renderId === 'e-busy' && m.status === 'failed')?.error ?? '', /clip 1 is being re-rendered/);
  await locks.release('clip-1');

  // New bounds: the clip is tracked again in the track image (its progress is the edit's); then
  // the render fails: EditFailed removes what it left and lets the lock go; the clip stays.
  const failing = harness({ failEditRender: true });
  await assert.rejects(run(failing, { rank: 2, edit: { start: before.clips[1]!.start + 1.5 } }, 'e-fail'));
  assert.deepEqual(
    failing.runTasks.map((t) => t.stage),
    ['track'],
    'tracked again in its image before the render failed',
  );
  assert.ok(
    pushed().some((m) => m.renderId === 'e-fail' && m.status === 'running' && (m as { message?: string }).message?.includes('clip 2')),
    'the track task reported as the edit',
  );
  assert.equal(failing.calls.EditFailed, 1);
  assert.deepEqual(ManifestSchema.parse(JSON.parse(await out('clips.json'))).clips, after.clips);
  assert.equal(await locks.tryHold('clip-2'), true, 'the lock was let go');
  await locks.release('clip-2');
  assert.ok(pushed().some((m) => m.renderId === 'e-fail' && m.status === 'failed'));
});

test('without an OpenAI key, an upload is transcribed by the offline engine task (faster-whisper in its image) and scored for free', async () => {
  const source = await world.upload('uploads/sm/offline-talk.mp4', await faceTalk());
  await world.addJob('sm-offline');
  const h = harness({ noKey: true });
  const before = fake.transcriptions.length;
  const manifest = ManifestSchema.parse(
    await runStateMachine({ jobId: 'sm-offline', source, options }, h.handlers, {
      definition,
      context: { Task: { Token: INTERPRETER_TOKEN } },
      retryDelayMs: 10,
    }),
  );
  assert.equal(h.calls.TranscribeTask, 1, 'one task for the whole speech');
  assert.equal(h.calls.TranscribeSpan, undefined, 'nothing sent to the OpenAI worker');
  assert.equal(fake.transcriptions.length, before, 'no speech API call');
  assert.equal(manifest.usage.transcriber, 'faster-whisper');
  assert.equal(manifest.source.language, 'en');
  assert.equal(manifest.usage.scorer, 'first-pass');
  assert.equal(manifest.clips.length, 2);
  // The words are the talk's (espeak-ng speech of the sample script).
  const spoken = new Set(TALK.flatMap((s) => s.sentences).flatMap((t) => t.toLowerCase().split(/[^\p{L}\p{N}']+/u)));
  for (const clip of manifest.clips) {
    const heard = clip.text
      .toLowerCase()
      .split(/[^\p{L}\p{N}']+/u)
      .filter(Boolean);
    assert.ok(heard.filter((w) => spoken.has(w)).length >= 0.9 * heard.length, `clip ${clip.rank} heard as: ${clip.text}`);
  }
  assert.equal((await world.job('sm-offline'))?.status, 'done');
});

test('a permanent failure (an upload that is not a video) is not retried, is caught, and the job is marked failed with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-sm-'));
  writeFileSync(join(dir, 'notes.mp4'), 'not a video\n'.repeat(100));
  const source = await world.upload('uploads/sm/notes.mp4', join(dir, 'notes.mp4'));
  await world.addJob('sm-bad');
  await world.subscribe('watcher-bad', 'sm-bad');
  const h = harness();
  await assert.rejects(
    runStateMachine({ jobId: 'sm-bad', source, options }, h.handlers, { definition, context: { Task: { Token: INTERPRETER_TOKEN } }, retryDelayMs: 10 }),
    /InputError|not a media file/,
  );
  assert.equal(h.calls.Ingest, 1, 'InputError is not retried');
  assert.equal(h.calls.JobFailed, 1);
  assert.equal(h.calls.PlanTranscript, undefined);
  const job = await world.job('sm-bad');
  assert.equal(job?.status, 'failed');
  assert.match(job?.error, /^InputError: .*notes\.mp4 is not a media file FFmpeg can read/);
  assert.deepEqual((world.ws.received.get('watcher-bad') as unknown[]).at(-1), { type: 'failed', jobId: 'sm-bad', error: job?.error });
});

test('a URL source (by host name) is fetched once into the work bucket and becomes finished clips', async () => {
  const video = await faceTalk();
  const server = createServer((req, res) => {
    if (req.url !== '/talks/face-talk.mp4') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': statSync(video).size });
    createReadStream(video).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  // An upper-case scheme, as people paste it: still a URL for the ingest task (a case-sensitive Choice sent it to the Lambda).
  const source = `HTTP://localhost:${(server.address() as AddressInfo).port}/talks/face-talk.mp4`;
  // As deployed, a URL on loopback is refused (next test); this rehearsal's server is on loopback.
  await world.addJob('sm-url');
  const h = harness({ ingestEnv: { CLIPFORGE_URL_ADDRESSES: 'any' } });
  const manifest = ManifestSchema.parse(
    await runStateMachine({ jobId: 'sm-url', source, options }, h.handlers, { definition, context: { Task: { Token: INTERPRETER_TOKEN } }, retryDelayMs: 10 }),
  );
  assert.equal(manifest.clips.length, 2);
  assert.equal(manifest.source.path, source);
  const work = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.work, Prefix: 'jobs/sm-url/download-' }));
  assert.equal(work.KeyCount, 1, 'the URL was copied into the work bucket once');
  assert.equal((await world.job('sm-url'))?.status, 'done');
  assert.deepEqual([h.calls.IngestTask, h.calls.Ingest], [1, undefined], 'a URL is fetched by the ingest task, not the Lambda');
});

test('a page link is fetched by the ingest task with yt-dlp; its caption track is the transcript; the page is in the manifest', async () => {
  const video = await faceTalk();
  const sentences = TALK.slice(0, 4).flatMap((s) => s.sentences);
  const site = await startPageSite({ video, vtt: vttOf(sentences, (await probe(video)).duration) });
  after(() => site.close());
  await world.addJob('sm-page');
  const h = harness({ ingestEnv: { CLIPFORGE_URL_ADDRESSES: 'any' } });
  const source = `${site.base.replace('127.0.0.1', 'localhost')}/talk.html`;
  const manifest = ManifestSchema.parse(
    await runStateMachine({ jobId: 'sm-page', source, options }, h.handlers, { definition, context: { Task: { Token: INTERPRETER_TOKEN } }, retryDelayMs: 10 }),
  );
  assert.equal(manifest.source.page?.title, 'Why Your First Idea Is Wrong');
  assert.equal(manifest.usage.transcriber, 'captions');
  assert.equal(h.calls.TranscribeSpan, undefined, 'nothing sent to the speech worker');
  assert.ok(site.hits.includes('/talk.vtt') && site.hits.includes('/talk.mp4'));
  assert.equal((await world.job('sm-page'))?.status, 'done');
});

test('a page whose video and audio are separate streams (DASH) is merged by the ingest task into a clip with sound', async () => {
  const video = await faceTalk();
  const site = await startPageSite({ video, vtt: '', streams: await separateStreams(video) });
  after(() => site.close());
  await world.addJob('sm-dash');
  const h = harness({ ingestEnv: { CLIPFORGE_URL_ADDRESSES: 'any' } });
  const source = `${site.base.replace('127.0.0.1', 'localhost')}/dash.html`;
  const manifest = ManifestSchema.parse(
    await runStateMachine({ jobId: 'sm-dash', source, options }, h.handlers, { definition, context: { Task: { Token: INTERPRETER_TOKEN } }, retryDelayMs: 10 }),
  );
  assert.ok(
    site.hits.some((p) => p.endsWith('.m4s')),
    'read as DASH segments',
  );
  // The speech track reached the speech worker: the video alone would have failed with "no audio stream".
  assert.ok((h.calls.TranscribeSpan ?? 0) >= 1, 'transcribed from the merged audio');
  assert.ok(manifest.clips.length >= 1);
  assert.equal((await world.job('sm-dash'))?.status, 'done');
});

test("an upload the deployment's role may not read is a permissions fault, not bad input: retried, then failed in those words", async () => {
  // A bucket outside the stack: the ingest Lambda's role has no grant on it, and IAM says so.
  const outside = `outside-${randomUUID().slice(0, 8)}`;
  await world.s3.send(new CreateBucketCommand({ Bucket: outside }));
  await world.s3.send(new PutObjectCommand({ Bucket: outside, Key: 'talk.mp4', Body: await readFile(await faceTalk()) }));
  await world.addJob('sm-denied');
  const h = harness();
  await assert.rejects(
    runStateMachine({ jobId: 'sm-denied', source: `s3://${outside}/talk.mp4`, options }, h.handlers, {
      definition,
      context: { Task: { Token: INTERPRETER_TOKEN } },
      retryDelayMs: 10,
    }),
  );
  assert.ok((h.calls.Ingest ?? 0) > 1, "retried: not the input's fault");
  const job = await world.job('sm-denied');
  assert.equal(job?.status, 'failed');
  assert.match(String(job?.error), /access denied to this deployment's role/);
});

test("as deployed, a URL source on the function's own network (loopback) is refused as bad input, never fetched", async () => {
  let hits = 0;
  const server = createServer((_req, res) => void (hits++, res.writeHead(200).end('secret')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  await world.addJob('sm-ssrf');
  const h = harness();
  const source = `http://localhost:${(server.address() as AddressInfo).port}/latest/meta-data`;
  await assert.rejects(
    runStateMachine({ jobId: 'sm-ssrf', source, options }, h.handlers, { definition, context: { Task: { Token: INTERPRETER_TOKEN } }, retryDelayMs: 10 }),
    /InputError|cannot be reached/,
  );
  assert.equal(h.calls.IngestTask, 1, 'fetched by the ingest task, and not retried');
  assert.equal(h.calls.Ingest, undefined, 'never by the Lambda');
  assert.equal(hits, 0);
  assert.match((await world.job('sm-ssrf'))?.error, /^InputError: could not download .*: it cannot be reached from this server$/);
});

test('a truncated upload is bad input: Ingest runs once, the job fails with the reason, and no credential is stored', async () => {
  const source = await world.upload('uploads/sm/cut.mp4', await truncatedCopy(await faceTalk(), 0.5));
  await world.addJob('sm-cut');
  const h = harness();
  await assert.rejects(
    runStateMachine({ jobId: 'sm-cut', source, options }, h.handlers, { definition, context: { Task: { Token: INTERPRETER_TOKEN } }, retryDelayMs: 10 }),
    /InputError|truncated/,
  );
  assert.equal(h.calls.Ingest, 1, 'InputError is not retried');
  const job = await world.job('sm-cut');
  assert.equal(job?.status, 'failed');
  assert.match(job?.error, /^InputError: .*uploads\/sm\/cut\.mp4 is truncated or corrupt/);
  assert.doesNotMatch(job?.error, /X-Amz-|Signature=|Credential=/);
});
