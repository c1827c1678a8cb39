// The pipeline's ASL definition, executed in-process: its retries, catches and Map.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { type LocalHandlers, loadDefinition, runStateMachine } from '../../src/runtime/local/stateMachine.ts';

const clips = [1, 2, 3].map((rank) => ({ rank, start: rank * 10, end: rank * 10 + 5 }));

function handlers(overrides: Partial<LocalHandlers> = {}): { h: LocalHandlers; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = (name: string, fn: (i: any) => unknown) => async (i: unknown) => {
    calls[name] = (calls[name] ?? 0) + 1;
    return fn(i);
  };
  const base: LocalHandlers = {
    Ingest: count('Ingest', () => ({ sourceFile: '/s.mp4', audioKey: 'a', captionsKey: null, sourceId: null, source: { duration: 60 } })),
    Transcribe: count('Transcribe', () => ({ transcriptKey: 't', audioSeconds: 60, provider: 'x' })),
    Score: count('Score', () => ({ clips, scorer: 'first-pass', usage: { models: {}, cacheHits: 0 } })),
    TrackFace: count('TrackFace', (i) => ({ fallback: null, for: i.clip.rank })),
    Render: count('Render', (i) => ({ file: `clip-${i.clip.rank}.mp4`, sourceFile: i.sourceFile })),
    Finalize: count('Finalize', (i) => ({ finalized: i.clips })),
    JobFailed: count('JobFailed', (i) => i),
  };
  const h = { ...base };
  for (const [k, fn] of Object.entries(overrides)) h[k as keyof LocalHandlers] = count(k, fn as never);
  return { h, calls };
}

const input = { jobId: 'j1', source: 'talk.mp4', options: { concurrency: 2 } };

test('happy path: every clip is tracked then rendered, and finalize gets them in order', async () => {
  const { h, calls } = handlers();
  const out = (await runStateMachine(input, h)) as {
    finalized: Array<{ clip: { rank: number }; crop: { for: number }; output: { file: string; sourceFile: string } }>;
  };
  assert.deepEqual(
    out.finalized.map((c) => c.clip.rank),
    [1, 2, 3],
  );
  assert.deepEqual(
    out.finalized.map((c) => c.crop.for),
    [1, 2, 3],
  );
  assert.equal(out.finalized[0]!.output.sourceFile, '/s.mp4', 'each clip task carries the ingested file');
  assert.equal(calls.TrackFace, 3);
  assert.equal(calls.Render, 3);
  assert.equal(calls.JobFailed, undefined);
});

test('a transient render failure is retried and the job completes', async () => {
  let failures = 0;
  const { h, calls } = handlers({
    Render: async (i: any) => {
      if (i.clip.rank === 2 && failures++ === 0) throw new Error('ffmpeg was killed by SIGKILL');
      return { file: `clip-${i.clip.rank}.mp4` };
    },
  });
  await runStateMachine(input, h, { retryDelayMs: 1 });
  assert.equal(calls.Render, 4);
  assert.equal(calls.Finalize, 1);
});

test('bad input is not retried: the job is marked failed with the reason and the execution fails', async () => {
  const { h, calls } = handlers({
    Ingest: async () => {
      throw new InputError('talk.mp4 has no audio stream');
    },
  });
  await assert.rejects(runStateMachine(input, h, { retryDelayMs: 1 }), /has no audio stream/);
  assert.equal(calls.Ingest, 1);
  assert.equal(calls.JobFailed, 1);
  assert.equal(calls.Transcribe, undefined);
});

test('a clip that fails through its retries is caught alone: the others are made and Finalize gets its reason', async () => {
  const { h, calls } = handlers({
    Render: async (i: any) => {
      if (i.clip.rank === 2) throw new Error('disk full');
      return { file: `clip-${i.clip.rank}.mp4` };
    },
  });
  const out = (await runStateMachine(input, h, { retryDelayMs: 1 })) as { finalized: Array<Record<string, any>> };
  assert.ok((calls.Render ?? 0) >= 5, 'clip 2 retried before giving up');
  assert.equal(calls.JobFailed, undefined);
  assert.deepEqual(
    out.finalized.map((c) => [c.clip.rank, c.output?.file ?? null, c.failure?.Cause ?? null]),
    [
      [1, 'clip-1.mp4', null],
      [2, null, 'disk full'],
      [3, 'clip-3.mp4', null],
    ],
  );
});

test('when every clip fails, Finalize fails the job with their reasons', async () => {
  let seen: unknown;
  const { h } = handlers({
    Render: async () => {
      throw new Error('disk full');
    },
    Finalize: async (i: any) => {
      // The real stage's rule (src/stages/finalize.ts), tested there: no clip made is a failure.
      if (i.clips.every((c: { failure?: unknown }) => c.failure)) throw new Error('no clip could be made: disk full');
      return i;
    },
    JobFailed: async (i: unknown) => (seen = i),
  });
  await assert.rejects(runStateMachine(input, h, { retryDelayMs: 1 }), /no clip could be made/);
  assert.match((seen as { error: { Cause: string } }).error.Cause, /no clip could be made: disk full/);
});

test('every placeholder must be substituted', () => {
  assert.throws(() => loadDefinition({}), /placeholder \$\{IngestResource\} has no substitution/);
});

test('every Task state sets its own timeout (the local interpreter defaults to 60 s)', () => {
  const def = loadDefinition(new Proxy({}, { get: () => 'arn:aws:lambda:us-east-1:000000000000:function:x' })) as { States: Record<string, any> };
  const tasks: Array<[string, any]> = [];
  const walk = (states: Record<string, any>) => {
    for (const [name, s] of Object.entries(states)) {
      if (s.Type === 'Task') tasks.push([name, s]);
      if (s.ItemProcessor) walk(s.ItemProcessor.States);
    }
  };
  walk(def.States);
  assert.equal(tasks.length, 13, "a job's 7 and an edit's 6");
  for (const [name, s] of tasks) assert.ok(s.TimeoutSeconds >= 60, `${name} has TimeoutSeconds`);
  assert.ok(tasks.find(([n]) => n === 'Transcribe')![1].TimeoutSeconds >= 3600);
});
