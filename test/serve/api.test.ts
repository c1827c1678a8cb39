// `clipforge serve` in-process: the API contract (status codes, schemas, bad input), a job
// followed over the WebSocket from queued to done, downloads, the inbox, the backlog limit and
// the access token.
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { JobDetailSchema, JobSummarySchema, UploadTicketSchema } from '../../src/api/schemas.ts';
import { CentreTracker } from '../../src/adapters/face/centreTracker.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import { shortTalk } from '../helpers/media.ts';
import { call, follow } from '../helpers/serveClient.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const OPTIONS = { clips: 1, minSec: 10, maxSec: 30, concurrency: 8 };
let srv: RunningServer;
let inbox: string;

before(async () => {
  const data = await mkdtemp(join(tmpdir(), 'serve-api-'));
  inbox = await mkdtemp(join(tmpdir(), 'serve-inbox-'));
  srv = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: data,
    inboxDir: inbox,
    inboxPollMs: 300,
    concurrency: 1,
    backlog: 2,
    maxUploadBytes: 50 * 1024 * 1024,
    log: quiet,
    jobPorts: { tracker: new CentreTracker('test: centre crop') },
  });
});
after(() => srv.close());

test('bad requests get 400/404/413 with a message that says what is wrong', async () => {
  const u = srv.url;
  let r = await call(u, 'POST', '/uploads', { filename: 'a.mp4' });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /size: .*number/);
  r = await call(u, 'POST', '/uploads', 'not json');
  assert.equal(r.status, 400);
  assert.match(r.json.error, /must be JSON/);
  r = await call(u, 'POST', '/uploads', { filename: 'big.mp4', size: 60 * 1024 * 1024 });
  assert.equal(r.status, 413);
  assert.match(r.json.error, /over the 52428800-byte upload limit/);
  r = await call(u, 'POST', '/uploads', { filename: 'a.png', size: 10, contentType: 'image/png' });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /contentType must be one of/);
  r = await call(u, 'POST', '/jobs', { source: { url: 'ftp://example.com/a.mp4' } });
  assert.equal(r.status, 400);
  r = await call(u, 'POST', '/jobs', { source: { uploadId: 'unknown' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /no upload unknown/);
  r = await call(u, 'POST', '/jobs', { source: { path: '/x.mp4' }, options: { clips: 0 } });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /options\.clips/);
  for (const [m, p] of [
    ['GET', '/jobs/nope'],
    ['DELETE', '/jobs/nope'],
    ['GET', '/jobs/nope/files/clip-1.mp4'],
    ['GET', '/nowhere'],
  ] as const) {
    r = await call(u, m, p);
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.ok(r.json.error);
  }
});

test('an upload over its declared size is refused with 413 and leaves nothing behind', async () => {
  const t = await call(srv.url, 'POST', '/uploads', { filename: 'small.mp4', size: 1000, contentType: 'video/mp4' });
  assert.equal(t.status, 201);
  const res = await fetch(t.json.uploadUrl, { method: 'PUT', body: new Uint8Array(5000) });
  assert.equal(res.status, 413);
  const job = await call(srv.url, 'POST', '/jobs', { source: { uploadId: t.json.uploadId } });
  assert.equal(job.status, 409, 'the upload is not usable');
});

test('an uploaded video is followed over the WebSocket from queued to done, then downloaded', async () => {
  const video = await readFile(await shortTalk());
  const t = await call(srv.url, 'POST', '/uploads', { filename: 'talk.mp4', size: video.length, contentType: 'video/mp4' });
  assert.equal(t.status, 201);
  const ticket = UploadTicketSchema.parse(t.json);
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', body: new Uint8Array(video) });
  assert.equal(put.status, 200);
  assert.equal((await put.json()).bytes, video.length);

  const created = await call(srv.url, 'POST', '/jobs', { source: { uploadId: ticket.uploadId }, options: OPTIONS });
  assert.equal(created.status, 202, JSON.stringify(created.json));
  const job = JobSummarySchema.parse(created.json);
  assert.ok(['queued', 'running'].includes(job.status));
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, job.jobId);
  const final = await ws.final;
  ws.close();
  assert.equal(final.type, 'done', JSON.stringify(final));
  const order = ['ingest', 'transcribe', 'score', 'track', 'render', 'finalize'];
  const progress = ws.messages.filter((m) => m.type === 'progress');
  assert.ok(progress.length > 5);
  for (let i = 1; i < progress.length; i++) {
    const [a, b] = [progress[i - 1]!, progress[i]!];
    assert.ok(order.indexOf(b.stage!) >= order.indexOf(a.stage!) || a.stage === 'render' || a.stage === 'track', `${a.stage} then ${b.stage}`);
    if (a.stage === b.stage && a.stage !== 'track' && a.stage !== 'render') assert.ok(b.pct! >= a.pct!, `${a.stage} went back from ${a.pct} to ${b.pct}`);
  }
  assert.equal(ws.messages.at(-1)!.type, 'done', 'the final message comes last');

  const detail = JobDetailSchema.parse((await call(srv.url, 'GET', `/jobs/${job.jobId}`)).json);
  assert.equal(detail.status, 'done');
  assert.equal(detail.clips.length, 1);
  const clip = await fetch(detail.clips[0]!.urls.video, { headers: { range: 'bytes=0-1023' } });
  assert.equal(clip.status, 206);
  assert.equal(clip.headers.get('content-type'), 'video/mp4');
  assert.equal((await clip.arrayBuffer()).byteLength, 1024);
  const srt = await fetch(detail.clips[0]!.urls.srt);
  assert.match(await srt.text(), /-->/);
  const list = await call(srv.url, 'GET', '/jobs');
  assert.ok(list.json.jobs.some((j: { jobId: string }) => j.jobId === job.jobId));
});

test('a full backlog answers 429 with Retry-After; a queued job can be cancelled', async () => {
  const talk = await shortTalk();
  const ids: string[] = [];
  let refused;
  for (let i = 0; i < 5 && !refused; i++) {
    const r = await call(srv.url, 'POST', '/jobs', { source: { path: talk }, options: OPTIONS });
    if (r.status === 429) refused = r;
    else ids.push(r.json.jobId);
  }
  assert.ok(refused, 'the backlog of 2 filled up');
  // A client cannot ask for more clips at once than the server's --concurrency (1 here).
  const greedy = srv.store.jobs.getNow(ids[0]!)!;
  assert.equal(greedy.options.concurrency, 1, "asked 8, given the server's 1");
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  assert.match(refused.json.error, /queue is full/);
  const running = ids.find((id) => srv.store.jobs.getNow(id)?.status === 'running');
  assert.ok(running, 'with one worker, the first job is running');
  for (const id of ids) {
    const r = await call(srv.url, 'DELETE', `/jobs/${id}`);
    assert.equal(r.status, 200);
  }
  const queued = (await call(srv.url, 'GET', '/jobs')).json.jobs.filter((j: { status: string }) => j.status === 'queued');
  assert.equal(queued.length, 0);
  // The running one stops and ends as cancelled (the catch-up says so if it already has).
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, running);
  assert.equal((await ws.final).type, 'cancelled');
  ws.close();
});

test('a video dropped into the inbox becomes one job once it is completely written', async () => {
  const before = new Set(srv.store.jobs.recent().map((j) => j.jobId));
  // A file still being written (growing between polls) must not start a job.
  const growing = join(inbox, 'growing.mp4');
  const talk = await readFile(await shortTalk());
  await writeFile(growing, talk.subarray(0, 1000));
  for (let i = 1; i <= 4; i++) {
    await new Promise((r) => setTimeout(r, 250));
    await appendFile(growing, talk.subarray(i * 1000, (i + 1) * 1000));
  }
  assert.equal(srv.store.jobs.recent().filter((j) => !before.has(j.jobId)).length, 0, 'no job while the file grows');
  await rm(growing);
  // Its captions beside it, then the video written under a hidden name and renamed in, as a
  // careful copier does.
  const cues = Array.from(
    { length: 30 },
    (_, i) => `${i + 1}\n00:00:${String(i * 3).padStart(2, '0')},000 --> 00:00:${String(i * 3 + 2).padStart(2, '0')},500\nInbox caption ${i} says something.\n`,
  );
  await writeFile(join(inbox, 'dropped.srt'), cues.join('\n'));
  const tmp = join(inbox, '.incoming.mp4');
  await copyFile(await shortTalk(), tmp);
  await rename(tmp, join(inbox, 'dropped.mp4'));
  let made = srv.store.jobs.recent().filter((j) => !before.has(j.jobId));
  for (let i = 0; i < 50 && !made.length; i++) {
    await new Promise((r) => setTimeout(r, 200));
    made = srv.store.jobs.recent().filter((j) => !before.has(j.jobId));
  }
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, made[0]!.jobId);
  const final = await ws.final;
  ws.close();
  assert.equal(made.length, 1, 'one job for one file');
  assert.equal(made[0]!.name, 'dropped.mp4');
  assert.equal(final.jobId, made[0]!.jobId);
  assert.equal(final.type, 'done', JSON.stringify(final));
  assert.deepEqual(made[0]!.captions, { path: join(inbox, 'dropped.srt') }, 'the caption file beside it came along');
  assert.equal((final.manifest as { usage: { transcriber: string } }).usage.transcriber, 'captions');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(srv.store.jobs.recent().filter((j) => !before.has(j.jobId)).length, 1, 'and no second job on later polls');
});

test('with a token, the API and the WebSocket refuse requests without it', async () => {
  const data = await mkdtemp(join(tmpdir(), 'serve-token-'));
  const token = 'a-long-enough-test-token';
  // Not loopback: a token is required and jobs may not name files on the server.
  const s = await startServer({ port: 0, host: '0.0.0.0', dataDir: data, concurrency: 1, backlog: 2, maxUploadBytes: 1e6, log: quiet, token });
  try {
    assert.equal((await call(s.url, 'GET', '/jobs')).status, 401);
    assert.equal((await call(s.url, 'GET', '/jobs', undefined, { authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await call(s.url, 'GET', `/jobs?token=${token}`)).status, 200);
    const byPath = await call(s.url, 'POST', '/jobs', { source: { path: '/etc/passwd' } }, { authorization: `Bearer ${token}` });
    assert.equal(byPath.status, 400);
    assert.match(byPath.json.error, /only when serving on loopback/);
    assert.equal((await call(s.url, 'GET', '/')).status, 200, 'the page itself is public; it asks for the token');
    await assert.rejects(follow(`${s.url.replace('http', 'ws')}/ws`, '*'), /HTTP 401/);
    const ok = await follow(`${s.url.replace('http', 'ws')}/ws?token=${token}`, '*');
    ok.close();
  } finally {
    await s.close();
  }
});
