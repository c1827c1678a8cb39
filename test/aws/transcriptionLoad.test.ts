// Transcription under load on the emulator: twenty jobs at once, each of several spans, through
// the deployed definition's transcription steps (Ingest → PlanTranscript → the span Map on an SQS
// task token → JoinTranscript), executed by the local interpreter, which enforces each Task
// state's TimeoutSeconds. The span messages go to a queue in moto; two consumers (the event
// source mapping's maximum concurrency, the stack's `workers`) hand each to the transcription
// worker's bundle with its own role, as Lambda would. Times are scaled down with their ratios
// kept: a worker run here takes about two seconds where a 20-minute span takes Whisper's API
// about two minutes, so every TimeoutSeconds of the span step is divided by 60. The last
// release's rule (a 180 s heartbeat whose clock ran from the send, no bound on a job's spans in
// flight) is run under the same load: it must fail jobs, or this test shows nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { SPAN_QUEUE_TIMEOUT_SEC } from '../../infra/pipelineDefinition.ts';
import { type LocalHandlers, runStateMachine } from '../../src/runtime/local/stateMachine.ts';
import { type AwsWorld, startAwsWorld } from '../helpers/awsWorld.ts';
import { type DeployedFunctions, call, deployedFunctions } from '../helpers/deployedBundle.ts';
import { deployedDefinition, sqsEventOf } from '../helpers/deployedDefinition.ts';
import { ffmpeg } from '../helpers/media.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/openaiServer.ts';
import { roleEnv } from '../helpers/roles.ts';
import { realisticTaskToken } from '../helpers/taskToken.ts';

const JOBS = 20;
const WORKERS = 2;
/** Seconds of audio per span (20 minutes as deployed); each source is three spans long. */
const SPAN_SEC = 20;
const SOURCE_SEC = 3 * SPAN_SEC - 4;
/** A worker run here (a bundle process, FFmpeg cutting the span, the speech call) ≈ 2 s; a 20-minute span on Whisper's API ≈ 120 s. */
const TIME_SCALE = 1 / 60;
/** The last release's span step: HeartbeatSeconds 180, with no heartbeat before a worker picks the message up. */
const LAST_RELEASE_HEARTBEAT_SEC = 180;

let world: AwsWorld;
let fake: FakeOpenAi;
let sqs: SQSClient;
let functions: DeployedFunctions;
let lambdaEnv: Record<string, string>;
const sources: string[] = [];

before(async () => {
  world = await startAwsWorld();
  fake = await startFakeOpenAi();
  fake.delayMs = 500;
  sqs = new SQSClient(world.aws.config);
  lambdaEnv = {
    ...world.env,
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    CLIPFORGE_OPENAI_RPM: '10000',
    CLIPFORGE_TRANSCRIBE_SPAN_SEC: String(SPAN_SEC),
  };
  functions = deployedFunctions();
  // A different source per job (the transcript cache is keyed by the audio: the same file would be heard once).
  const dir = mkdtempSync(join(tmpdir(), 'cf-load-'));
  for (let i = 0; i < JOBS; i++) {
    const file = join(dir, `talk-${i}.mp4`);
    await ffmpeg([
      ...['-f', 'lavfi', '-i', `color=c=gray:s=64x36:r=5:d=${SOURCE_SEC}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=${220 + 15 * i}:d=${SOURCE_SEC}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', file],
    ]);
    sources.push(await world.upload(`uploads/load/talk-${i}.mp4`, file));
  }
});
after(async () => {
  functions?.remove();
  sqs?.destroy();
  await fake?.close();
  await world?.close();
});

/** The deployed definition up to the joined transcript, with the span step's clock scaled (and replaced by `spanRule`). */
function transcriptionMachine(queueUrl: string, spanRule?: (step: Record<string, unknown>, map: Record<string, unknown>) => void): StateMachineDefinition {
  const def = deployedDefinition({ queueUrl, workBucket: world.names.work, workers: WORKERS }) as any;
  def.States.JoinTranscript.Next = 'Transcribed';
  def.States.Transcribed = { Type: 'Succeed' };
  // Only what an upload's transcription reaches (the interpreter refuses unreachable states).
  const reachable = new Set<string>();
  const visit = (name: string) => {
    if (reachable.has(name)) return;
    reachable.add(name);
    const s = def.States[name];
    for (const next of [s.Next, s.Default, ...(s.Choices ?? []).map((c: { Next: string }) => c.Next), ...(s.Catch ?? []).map((c: { Next: string }) => c.Next)])
      if (next) visit(next);
  };
  visit(def.StartAt);
  for (const name of Object.keys(def.States)) if (!reachable.has(name)) delete def.States[name];
  const map = def.States.TranscribeSpans;
  const step = map.ItemProcessor.States.TranscribeSpan;
  assert.equal(step.TimeoutSeconds, SPAN_QUEUE_TIMEOUT_SEC, 'the deployed span step is what this test scales');
  step.TimeoutSeconds = Math.max(1, Math.round(step.TimeoutSeconds * TIME_SCALE));
  spanRule?.(step, map);
  return def;
}

interface Load {
  /** How long each span message waited in the queue, and each worker run took (ms). */
  waits: number[];
  runs: number[];
  /** The most spans of one job in the queue or a worker at once. */
  maxInFlightPerJob: number;
  results: Array<{ ok: true } | { ok: false; error: string }>;
}

/** Runs JOBS executions at once against a fresh queue with WORKERS consumers; resolves when every execution has ended. */
async function runLoad(prefix: string, spanRule?: Parameters<typeof transcriptionMachine>[1]): Promise<Load> {
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `transcribe-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  const definition = transcriptionMachine(queueUrl, spanRule);
  const workerRole = await roleEnv(world.aws, functions.stack, functions.get('Pipeline/Transcription/Fn').roleId, world.stackNames);
  const lambdaRole = new Map<string, Record<string, string>>();
  const lambda = (path: string) => async (input: unknown) => {
    const fn = functions.get(path);
    if (!lambdaRole.has(path)) lambdaRole.set(path, await roleEnv(world.aws, functions.stack, fn.roleId, world.stackNames));
    return call(fn, input, { ...lambdaEnv, ...lambdaRole.get(path)! });
  };
  const sentAt = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const load: Load = { waits: [], runs: [], maxInFlightPerJob: 0, results: [] };

  const stop = new AbortController();
  const consumer = async () => {
    while (!stop.signal.aborted) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
      );
      const m = Messages?.[0];
      if (!m) continue;
      const token = JSON.parse(m.Body!).taskToken as string;
      load.waits.push(Date.now() - sentAt.get(token)!);
      const t0 = Date.now();
      const res = await call(functions.get('Pipeline/Transcription/Fn'), sqsEventOf(m), { ...lambdaEnv, ...workerRole });
      load.runs.push(Date.now() - t0);
      assert.deepEqual(res.batchItemFailures, []);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  };
  const consumers = Array.from({ length: WORKERS }, consumer);

  const handlers = {
    Ingest: lambda('Pipeline/Ingest'),
    PlanTranscript: lambda('Pipeline/PlanTranscript'),
    JoinTranscript: lambda('Pipeline/JoinTranscript'),
    JobFailed: lambda('Pipeline/JobFailed'),
    TranscribeSpan: async (params: any) => {
      const jobId = params.MessageBody.input.jobId as string;
      const token = realisticTaskToken();
      const n = (inFlight.get(jobId) ?? 0) + 1;
      inFlight.set(jobId, n);
      load.maxInFlightPerJob = Math.max(load.maxInFlightPerJob, n);
      sentAt.set(token, Date.now());
      try {
        await sqs.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: JSON.stringify({ ...params.MessageBody, taskToken: token }) }));
        return await answerOf(token, stop.signal);
      } finally {
        inFlight.set(jobId, inFlight.get(jobId)! - 1);
      }
    },
  } as unknown as LocalHandlers;

  const options = { clips: 2, minSec: 10, maxSec: 25, concurrency: 2, maxDurationSec: 7200 };
  load.results = await Promise.all(
    sources.map(async (source, i) => {
      const jobId = `${prefix}-${i}`;
      await world.addJob(jobId);
      try {
        await runStateMachine({ jobId, source, options }, handlers, { definition, context: { Task: { Token: 'from-the-interpreter' } }, retryDelayMs: 10 });
        return { ok: true as const };
      } catch (e) {
        return { ok: false as const, error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    }),
  );
  stop.abort();
  await Promise.all(consumers);
  return load;
}

/** Step Functions' side of a task token: the worker's SendTaskSuccess output, or its failure. */
async function answerOf(token: string, ended: AbortSignal): Promise<unknown> {
  while (!ended.aborted) {
    const c = world.sfn.calls.find((x) => x.body.taskToken === token && x.action !== 'SendTaskHeartbeat');
    if (c?.action === 'SendTaskSuccess') return JSON.parse(c.body.output!);
    if (c?.action === 'SendTaskFailure') throw Object.assign(new Error(c.body.cause ?? ''), { name: c.body.error ?? 'Error' });
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the execution ended without this answer');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test(`${JOBS} jobs of three spans each at once, through ${WORKERS} workers: every transcription finishes, in order, with each job's spans bounded`, async () => {
  const load = await runLoad('load');
  const failed = load.results.flatMap((r, i) => (r.ok ? [] : [`job ${i}: ${r.error}`]));
  assert.deepEqual(failed, [], 'every job transcribed');
  assert.ok(load.runs.length >= 3 * JOBS, `every span heard by a worker (${load.runs.length} runs)`);
  // The load was real: the queue held spans for many worker runs' time.
  const longest = Math.max(...load.waits);
  assert.ok(longest > 5 * median(load.runs), `the longest queue wait (${longest} ms) is several worker runs (median ${median(load.runs)} ms)`);
  assert.ok(load.maxInFlightPerJob <= WORKERS, `no job had more spans in flight than there are workers (${load.maxInFlightPerJob})`);
  for (let i = 0; i < JOBS; i++) {
    const stored = await world.s3.send(new GetObjectCommand({ Bucket: world.names.work, Key: `jobs/load-${i}/transcript.json` }));
    const starts = (JSON.parse(await stored.Body!.transformToString()) as { words: Array<{ start: number }> }).words.map((w) => w.start);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      `job ${i}: spans joined in order`,
    );
    assert.ok(starts.at(-1)! > SOURCE_SEC - SPAN_SEC, `job ${i}: words from the last span (last at ${starts.at(-1)} s)`);
  }
});

test("the last release's span rule under the same load fails jobs (the control: this load is enough to show the fault)", async () => {
  const load = await runLoad('old', (step, map) => {
    step.TimeoutSeconds = Math.max(1, Math.round(LAST_RELEASE_HEARTBEAT_SEC * TIME_SCALE));
    delete map.MaxConcurrency;
  });
  const failed = load.results.filter((r) => !r.ok);
  assert.ok(failed.length >= JOBS / 2, `most jobs fail under the old rule (${failed.length} of ${JOBS})`);
  assert.ok(
    failed.every((r) => !r.ok && /Timeout|timed out/i.test(r.error)),
    `they fail by the step's clock: ${failed.map((r) => !r.ok && r.error).join('; ')}`,
  );
});
