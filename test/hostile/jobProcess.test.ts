// Each serve job runs in a process of its own (src/runtime/local/jobProcess.ts). A job whose
// process dies, of its memory cap or killed from outside (as the kernel's OOM killer does), fails
// once with the reason in words; the server goes on answering, its other job finishes, and after
// a restart the failed job stays failed instead of crashing the next start.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cached, ffmpeg, shortTalk } from '../helpers/media.ts';
import { call } from '../helpers/serveClient.ts';
import { jobProcessesOf, serveProcess, type ServeProcess } from '../helpers/serveProcess.ts';

/** Four hours of a still grey frame and silence: long enough for the largest caption file. */
const fourQuietHours = () =>
  cached('four-quiet-hours-v1.mp4', (p) =>
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'color=c=gray:s=64x36:r=1:d=14400', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono'],
      ...['-t', '14400', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '8k', '-shortest', p],
    ]),
  );

const clock = (t: number) => {
  const [h, m, s, ms] = [Math.floor(t / 3600), Math.floor(t / 60) % 60, Math.floor(t % 60), Math.round((t % 1) * 1000)];
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')},${String(ms).padStart(3, '0')}`;
};

/** Within every limit a 4-hour video allows (19.1 MB of 20, 110,000 words of 115,300): one word a cue, markup around it. */
function heavyCaptions(): string {
  const cues = 110_000;
  const step = 14_000 / cues;
  const out: string[] = [];
  for (let i = 0; i < cues; i++) out.push(`${i + 1}\n${clock(i * step)} --> ${clock(i * step + step * 0.9)}\nword${i} ${'<i></i>'.repeat(18)}\n`);
  return out.join('\n');
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 300_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ended = (srv: ServeProcess, id: string) => async () => {
  const job = (await call(srv.url, 'GET', `/jobs/${id}`)).json;
  return ['done', 'failed', 'cancelled'].includes(job.status as string) ? job : undefined;
};

/** Answers of /healthz while `during` runs: the slowest, and whether every one came. */
async function healthWhile(url: string, during: Promise<unknown>): Promise<number> {
  let slowest = 0;
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    slowest = Math.max(slowest, performance.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
  return slowest;
}

test('a job past its memory cap fails alone with the reason; the server answers throughout, its other job finishes, and a restart does not run it again', async () => {
  const data = await mkdtemp(join(tmpdir(), 'cf-jobproc-'));
  const video = await fourQuietHours();
  const captions = join(data, '..', `${data.split('/').pop()}-heavy.srt`);
  await writeFile(captions, heavyCaptions());
  // 48 MB: a whole ordinary job ran within 32 MB here; a job reading this file needs 80-96 MB.
  const srv = await serveProcess(data, ['--concurrency', '2', '--job-memory-mb', '48']);
  try {
    const heavy = await call(srv.url, 'POST', '/jobs', { source: { path: video }, captions: { path: captions }, options: { clips: 1 } });
    assert.equal(heavy.status, 202, JSON.stringify(heavy.json));
    const plain = await call(srv.url, 'POST', '/jobs', { source: { path: await shortTalk() }, options: { clips: 1, minSec: 10, maxSec: 30 } });
    assert.equal(plain.status, 202);
    const both = Promise.all([until('the heavy job', ended(srv, heavy.json.jobId as string)), until('the plain job', ended(srv, plain.json.jobId as string))]);
    const slowest = await healthWhile(srv.url, both);
    const [h, p] = await both;
    assert.equal(h.status, 'failed');
    assert.match(h.error as string, /more memory than a job may use \(48 MB\)/);
    assert.doesNotMatch(h.error as string, /\/|FATAL|heap/, 'said in words, without paths or V8 output');
    assert.equal(p.status, 'done', JSON.stringify(p));
    assert.ok(slowest < 1000, `/healthz answered within a second throughout (slowest ${slowest.toFixed(0)} ms)`);
    assert.equal(srv.child.exitCode, null, 'the server is still running');
  } finally {
    await srv.stop();
  }
  const again = await serveProcess(data);
  try {
    const jobs = (await call(again.url, 'GET', '/jobs')).json.jobs as Array<{ status: string; attempts: number; error?: string }>;
    const failed = jobs.find((j) => j.status === 'failed');
    assert.ok(failed, JSON.stringify(jobs));
    assert.equal(failed.attempts, 1, 'it ran once and was not requeued');
  } finally {
    await again.stop();
  }
});

test("a job whose process is killed from outside (the kernel's OOM killer) fails with the reason, and the server takes the next job", async () => {
  const data = await mkdtemp(join(tmpdir(), 'cf-jobkill-'));
  const srv = await serveProcess(data);
  try {
    const first = await call(srv.url, 'POST', '/jobs', { source: { path: await shortTalk() }, options: { clips: 1, minSec: 10, maxSec: 30 } });
    // This server's job process only: other test files run servers of their own meanwhile.
    const pid = await until('the job process', async () => jobProcessesOf(data)[0], 60_000);
    process.kill(pid, 'SIGKILL');
    const job = await until('the killed job', ended(srv, first.json.jobId as string));
    assert.equal(job.status, 'failed');
    assert.match(job.error as string, /the job's process was killed \(SIGKILL\) before it finished; nothing else was affected/);
    const next = await call(srv.url, 'POST', '/jobs', { source: { path: await shortTalk() }, options: { clips: 1, minSec: 10, maxSec: 30 } });
    assert.equal((await until('the next job', ended(srv, next.json.jobId as string))).status, 'done');
  } finally {
    await srv.stop();
  }
});
