// npm run bench:serve — `clipforge serve`'s latency for GET /jobs/{id} under a steady load
// (autocannon, 200 requests/s from loopback for 15 s), with no job running and then while two
// jobs are rendering (the server's process runs real FFmpeg renders through its queue).
// Target: p99 under 50 ms and within 3x of idle.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BENCH_DIR, benchTalk1080p } from './benchTalk.ts';

const RATE = 200;
const SECONDS = 15;

const dir = BENCH_DIR;
const talk = await benchTalk1080p();
// Captions skip transcription, so both jobs reach the render stage within seconds.
const srt = join(dir, 'talk-1080p.bench.srt');
const t = (x: number) => new Date(x * 1000).toISOString().slice(11, 23).replace('.', ',');
await writeFile(
  srt,
  Array.from({ length: 200 }, (_, i) => `${i + 1}\n${t(i * 3)} --> ${t(i * 3 + 2.5)}\nBenchmark sentence ${i} says something new and useful.\n`).join('\n'),
);

const data = await mkdtemp(join(tmpdir(), 'clipforge-bench-serve-'));
const child = spawn(process.execPath, ['bin/clipforge.js', 'serve', '--port', '0', '--data', data, '--concurrency', '2'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((res, rej) => {
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /serving on (http:\/\/\S+)/.exec(out);
    if (m) res(m[1]!);
  });
  child.on('exit', (code) => rej(new Error(`serve exited with ${code}`)));
});

const post = async (body: unknown) =>
  (await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{
    jobId: string;
  }>;
const get = async (id: string) => (await fetch(`${url}/jobs/${id}`)).json() as Promise<{ status: string; stage: string | null }>;

async function load(id: string): Promise<{ p50: number; p99: number; rps: number; errors: number }> {
  const r = await autocannon({ url: `${url}/jobs/${id}`, connections: 10, overallRate: RATE, duration: SECONDS });
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.errors + r.non2xx };
}

const job = { source: { path: talk }, captions: { path: srt }, options: { clips: 3, minSec: 30, maxSec: 60, concurrency: 1 } };
try {
  // A job to ask about: created, then cancelled so nothing runs during the idle measurement.
  const probe = await post({ ...job, options: { ...job.options } });
  await fetch(`${url}/jobs/${probe.jobId}`, { method: 'DELETE' });
  while ((await get(probe.jobId)).status === 'running') await new Promise((r) => setTimeout(r, 200));

  const idle = await load(probe.jobId);
  const a = await post(job);
  const b = await post(job);
  while (![(await get(a.jobId)).stage, (await get(b.jobId)).stage].every((s) => s === 'render')) await new Promise((r) => setTimeout(r, 200));
  const busy = await load(a.jobId);
  const stillRendering = [(await get(a.jobId)).stage, (await get(b.jobId)).stage].every((s) => s === 'render');

  console.log(`GET /jobs/{id} at ${RATE} req/s for ${SECONDS} s, 10 connections`);
  console.log('                      p50 ms   p99 ms   req/s   errors');
  for (const [name, r] of [
    ['idle', idle],
    ['2 renders running', busy],
  ] as const) {
    console.log(
      `${name.padEnd(20)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(8)} ${r.rps.toFixed(0).padStart(7)} ${String(r.errors).padStart(8)}`,
    );
  }
  console.log(
    `p99 while rendering / idle: ${(busy.p99 / Math.max(idle.p99, 1)).toFixed(2)} (target: p99 < 50 ms and <= 3x idle)${stillRendering ? '' : '  [a render ended before the measurement did]'}`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(data, { recursive: true, force: true });
}
