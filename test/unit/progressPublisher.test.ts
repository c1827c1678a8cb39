// The progress publisher both runtimes use, on the in-memory repository: every event reaches
// subscribers in order, the store is written on a new stage, at 100% and at most every interval,
// and nothing more is pushed once the job has ended.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerMessage } from '../../src/jobs/messages.ts';
import { MemoryJobRepository } from '../../src/jobs/memoryJobRepository.ts';
import { ProgressPublisher } from '../../src/jobs/progressPublisher.ts';

const newJob = async (repo: MemoryJobRepository<string>, jobId: string) => {
  await repo.create({ jobId, name: 'talk.mp4', source: 'talk.mp4', captions: null, options: {} });
};

test('every event is pushed in order; the store is written per stage, at 100% and at most every interval', async () => {
  const repo = new MemoryJobRepository<string>();
  await newJob(repo, 'j1');
  const writes: number[] = [];
  const counting = { progress: (id: string, u: { stage: string; pct: number; message: string }) => (writes.push(u.pct), repo.progress(id, u)) };
  const sent: ServerMessage[] = [];
  const pub = new ProgressPublisher(counting, { fanOut: (m) => sent.push(m), storeEveryMs: 60_000 });
  pub.emit({ jobId: 'j1', stage: 'render', pct: 0, message: 'start' });
  for (let pct = 1; pct < 100; pct++) pub.emit({ jobId: 'j1', stage: 'render', pct, message: 'encoding' });
  pub.emit({ jobId: 'j1', stage: 'render', pct: 100, message: 'done' });
  pub.emit({ jobId: 'j1', stage: 'finalize', pct: 10, message: 'writing' });
  await pub.flush();
  assert.deepEqual(
    sent.map((m) => (m.type === 'progress' ? m.pct : -1)),
    [...Array.from({ length: 101 }, (_, i) => i), 10],
  );
  assert.deepEqual(writes, [0, 100, 10], 'a new stage, 100%, a new stage: the rest only pushed');
  const job = (await repo.get('j1'))!;
  assert.equal(job.status, 'running');
  assert.deepEqual(job.stages, { render: { pct: 100, message: 'done' }, finalize: { pct: 10, message: 'writing' } });
});

test('once the job ended (cancelled), nothing more is stored or pushed; a failure is not progress', async () => {
  const repo = new MemoryJobRepository<string>();
  await newJob(repo, 'j2');
  const sent: ServerMessage[] = [];
  const pub = new ProgressPublisher(repo, { fanOut: (m) => sent.push(m), storeEveryMs: 0 });
  pub.emit({ jobId: 'j2', stage: 'ingest', pct: 50, message: 'reading' });
  await pub.flush();
  await repo.end('j2', { status: 'cancelled', message: 'cancelled' });
  pub.emit({ jobId: 'j2', stage: 'ingest', pct: 80, message: 'late' });
  pub.emit({ jobId: 'j2', stage: 'transcribe', pct: 1, message: 'late' });
  pub.emit({ jobId: 'j2', stage: 'failed', pct: 100, message: 'not progress' });
  await pub.flush();
  assert.equal(sent.length, 1);
  const job = (await repo.get('j2'))!;
  assert.equal(job.status, 'cancelled');
  assert.equal(job.pct, 50);
});

test('a store that throws is reported to the runtime, and subscribers still hear the event; a failing fan-out never throws into the stage', async () => {
  const faults: unknown[] = [];
  const sent: ServerMessage[] = [];
  const broken = { progress: async () => Promise.reject(new Error('disk full')) };
  const pub = new ProgressPublisher(broken, { fanOut: (m) => sent.push(m), onStoreFault: (e) => faults.push(e) });
  pub.emit({ jobId: 'j3', stage: 'render', pct: 5, message: 'x' });
  await pub.flush();
  assert.equal(faults.length, 1);
  assert.match(String(faults[0]), /disk full/);
  assert.equal(sent.length, 1);

  const repo = new MemoryJobRepository<string>();
  await newJob(repo, 'j4');
  const failing = new ProgressPublisher(repo, { fanOut: () => Promise.reject(new Error('gone')) });
  failing.emit({ jobId: 'j4', stage: 'render', pct: 5, message: 'x' });
  await failing.flush();
  assert.equal((await repo.get('j4'))!.pct, 5);
});
