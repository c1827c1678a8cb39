// The real `clipforge serve` process killed with SIGKILL, or stopped with SIGTERM, mid-job and
// started again on the same data folder: the job is not lost, it runs again and finishes. A job
// cut short by restarts every time it runs is failed with the reason.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JobQueue } from '../../src/serve/jobQueue.ts';
import { JobStore } from '../../src/serve/jobStore.ts';
import { shortTalk } from '../helpers/media.ts';
import { call, follow } from '../helpers/serveClient.ts';
import { jobProcessesOf, serveProcess } from '../helpers/serveProcess.ts';

/** Submits a job to the server at `url` and returns its id once its transcription is under way. */
async function jobUnderWay(url: string): Promise<string> {
  const created = await call(url, 'POST', '/jobs', { source: { path: await shortTalk() }, options: { clips: 1, minSec: 10, maxSec: 30 } });
  assert.equal(created.status, 202);
  const jobId = created.json.jobId as string;
  const ws = await follow(`${url.replace('http', 'ws')}/ws`, jobId);
  for (let i = 0; i < 600 && !ws.messages.some((m) => m.stage === 'transcribe'); i++) await new Promise((r) => setTimeout(r, 100));
  ws.close();
  assert.ok(
    ws.messages.some((m) => m.stage === 'transcribe'),
    'the job got going',
  );
  return jobId;
}

/** Starts serve again on `data` and follows `jobId` to its end: it must run again and finish. */
async function finishesAfterRestart(data: string, jobId: string): Promise<Record<string, unknown>> {
  const second = await serveProcess(data);
  try {
    const again = await follow(`${second.url.replace('http', 'ws')}/ws`, jobId);
    const final = await again.final;
    again.close();
    assert.equal(final.type, 'done', JSON.stringify(final));
    return (await call(second.url, 'GET', `/jobs/${jobId}`)).json;
  } finally {
    await second.stop();
  }
}

test('a server killed mid-job is restarted and the job finishes', async () => {
  const data = await mkdtemp(join(tmpdir(), 'serve-restart-'));
  const first = await serveProcess(data);
  const jobId = await jobUnderWay(first.url);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const job = await finishesAfterRestart(data, jobId);
  assert.equal(job.status, 'done');
  assert.equal(job.attempts, 2, 'it ran again after the restart');
  assert.equal((job.clips as unknown[]).length, 1);
});

test('SIGTERM mid-job stops the server and the job process within seconds; the next start runs the job again', async () => {
  const data = await mkdtemp(join(tmpdir(), 'serve-sigterm-'));
  const first = await serveProcess(data);
  const jobId = await jobUnderWay(first.url);
  assert.equal(jobProcessesOf(data).length, 1, 'the job runs in a process of its own');
  const asked = performance.now();
  first.child.kill('SIGTERM');
  await new Promise((r) => first.child.once('exit', r));
  const took = performance.now() - asked;
  assert.ok(took < 20_000, `stopped in ${(took / 1000).toFixed(1)} s`);
  assert.deepEqual(jobProcessesOf(data), [], 'no job process outlives the server');
  assert.equal((await finishesAfterRestart(data, jobId)).attempts, 2);
});

test('a job interrupted on every run is failed with the reason on the next start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'serve-recover-'));
  const store = new JobStore(join(dir, 'clipforge.db'));
  const runs: string[] = [];
  const queue = () =>
    new JobQueue(
      store,
      {
        concurrency: 1,
        backlog: 5,
        maxAttempts: 2,
        dataDir: dir,
        resolveSource: () => '/nowhere.mp4',
        // A run that never ends on its own: the "server" is killed during it.
        run: (req) => (runs.push(req.jobId!), new Promise(() => undefined)),
      },
      { info: () => undefined, warn: () => undefined },
    );
  const q1 = queue();
  await q1.submit({ jobId: 'job-a', name: 'a.mp4', source: { path: '/a.mp4' }, captions: null, options: {} });
  assert.equal(store.jobs.getNow('job-a')!.status, 'running');
  // Restart 1: retried. Restart 2: it has now been cut short twice, so it fails with the reason.
  await queue().recover();
  await new Promise((r) => setImmediate(r)); // the run starts behind its store write
  assert.deepEqual(runs, ['job-a', 'job-a']);
  assert.equal(store.jobs.getNow('job-a')!.attempts, 2);
  // What the cut-short runs left: a hidden partial clip in its output folder.
  const out = join(dir, 'jobs', 'job-a');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, '.clip-1.mp4.partial-0a1b2c3d.mp4'), 'half a clip');
  const q3 = queue();
  await q3.recover();
  const job = store.jobs.getNow('job-a')!;
  assert.equal(job.status, 'failed');
  assert.match(job.error ?? '', /interrupted by restarts 2 times \(last during start-up\); giving up/);
  assert.equal(runs.length, 2, 'not run a third time');
  assert.equal(existsSync(out), false, 'its partial outputs are removed with it');
  store.close();
});
