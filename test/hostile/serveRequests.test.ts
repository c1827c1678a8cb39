// Hostile pages and clients against the real `clipforge serve` process on loopback with no token
// (the default a user runs): another site's page sending "simple" cross-site requests, a DNS
// rebinding page (a foreign Host), a WebSocket from a foreign Origin, oversized bodies and
// fields, and a URL source pointing into the server's own network. Raw HTTP, so the Host and
// Origin headers are what an attacker's browser would send.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { call } from '../helpers/serveClient.ts';
import { type ServeProcess, serveProcess } from '../helpers/serveProcess.ts';

let srv: ServeProcess;
let port: number;

before(async () => {
  srv = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-hostile-')), ['--public-host', 'clips.example.org']);
  port = Number(new URL(srv.url).port);
});
after(() => srv?.stop());

/** One raw request: every header as given (fetch would not let a test set Host). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The job once it has ended (or after 10 s). */
async function settled(base: string, jobId: string): Promise<any> {
  let job: any;
  for (let i = 0; i < 100; i++) {
    job = (await call(base, 'GET', `/jobs/${jobId}`)).json;
    if (['done', 'failed', 'cancelled'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return job;
}

const jobBody = JSON.stringify({ source: { path: '/etc/passwd' } });
const jobCount = async () => ((await call(srv.url, 'GET', '/jobs')).json.jobs as unknown[]).length;

test('a cross-site "simple" request (text/plain or a form carrying JSON) starts nothing: 415', async () => {
  const before = await jobCount();
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await raw('POST', '/jobs', { host: `127.0.0.1:${port}`, 'content-type': type }, jobBody);
    assert.equal(res.status, 415, type);
    assert.match(JSON.parse(res.body).error, /Content-Type: application\/json/);
  }
  assert.equal(await jobCount(), before);
});

test('a page of another site may not start, cancel or upload even with the right content type: 403 on a foreign Origin', async () => {
  const before = await jobCount();
  const res = await raw('POST', '/jobs', { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'application/json' }, jobBody);
  assert.equal(res.status, 403);
  assert.equal(
    (
      await raw(
        'POST',
        '/uploads',
        { host: `localhost:${port}`, origin: 'https://evil.example', 'content-type': 'application/json' },
        '{"filename":"a.mp4","size":10}',
      )
    ).status,
    403,
  );
  assert.equal((await raw('DELETE', '/jobs/x', { host: `localhost:${port}`, origin: 'null' })).status, 403, 'a sandboxed page');
  assert.equal(await jobCount(), before);
  // The server's own page (same origin as the Host it used) is served as before.
  const own = await raw(
    'POST',
    '/uploads',
    { host: `localhost:${port}`, origin: `http://localhost:${port}`, 'content-type': 'application/json' },
    '{"filename":"a.mp4","size":10}',
  );
  assert.equal(own.status, 201, own.body);
});

test('DNS rebinding: a request naming another host is refused, on every route; loopback names, IPs and --public-host are answered', async () => {
  for (const [path, method] of [
    ['/jobs', 'GET'],
    ['/', 'GET'],
    ['/healthz', 'GET'],
    ['/jobs', 'POST'],
  ] as const) {
    const res = await raw(method, path, { host: `rebind.evil.example:${port}`, 'content-type': 'application/json' }, method === 'POST' ? jobBody : undefined);
    assert.equal(res.status, 403, `${method} ${path}`);
  }
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'clips.example.org']) {
    assert.equal((await raw('GET', '/jobs', { host })).status, 200, host);
  }
});

test("a WebSocket from a foreign Origin or Host is refused before it can subscribe; the page's own is accepted", async () => {
  const open = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('error', () => resolve(0));
    });
  assert.equal(await open({ origin: 'http://evil.example' }), 403);
  assert.equal(await open({ host: 'rebind.evil.example' }), 403);
  assert.equal(await open({ origin: `http://127.0.0.1:${port}` }), 101);
});

test('floods: a 200 KB body and over-long fields are refused before they reach the store', async () => {
  const before = await jobCount();
  const big = JSON.stringify({ source: { path: 'x'.repeat(200_000) } });
  assert.equal((await raw('POST', '/jobs', { host: `127.0.0.1:${port}`, 'content-type': 'application/json' }, big)).status, 413);
  const longUrl = await call(srv.url, 'POST', '/jobs', { source: { url: `http://example.com/${'a'.repeat(3000)}.mp4` } });
  assert.equal(longUrl.status, 400);
  assert.match(longUrl.json.error, /at most 2048 characters/);
  assert.equal(await jobCount(), before);
});

test("SSRF: a URL source into the server's own network fails as unreachable and is never requested", async () => {
  let hits = 0;
  const internal = createServer((_req, res) => void (hits++, res.writeHead(200).end('secret')));
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  after(() => internal.close());
  const url = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/admin.mp4`;
  const created = await call(srv.url, 'POST', '/jobs', { source: { url } });
  assert.equal(created.status, 202);
  const job = await settled(srv.url, created.json.jobId);
  assert.equal(job.status, 'failed');
  assert.match(job.error, /could not download .*: it cannot be reached from this server/);
  assert.equal(hits, 0);
});

test('WebSocket floods: a frame over 4 KB closes the connection; subscriptions are capped per socket', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((r) => ws.on('open', r));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.send(JSON.stringify({ subscribe: 'x'.repeat(90_000) }));
  assert.equal(await closed, 1009, 'message too big');

  const many = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const errors: string[] = [];
  many.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'error' && /at most 100 subscriptions/.test(m.error)) errors.push(m.error);
  });
  await new Promise((r) => many.on('open', r));
  for (let i = 0; i < 120; i++) many.send(JSON.stringify({ subscribe: `job-${i}` }));
  for (let i = 0; i < 50 && errors.length < 20; i++) await new Promise((r) => setTimeout(r, 50));
  many.close();
  assert.equal(errors.length, 20, 'the 20 past the cap are refused');
});

test('every response carries the security headers: page, script, API, errors', async () => {
  for (const path of ['/', '/app.js', '/jobs', '/nope']) {
    const res = await fetch(srv.url + path);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
  }
});

test('upload races: one writer per upload (a second concurrent PUT gets 409); a body shorter than announced is refused and nothing kept', async () => {
  const size = 4 * 1024 * 1024;
  const ticket = (await call(srv.url, 'POST', '/uploads', { filename: 'race.mp4', size })).json;
  const path = new URL(ticket.uploadUrl, srv.url).pathname;
  // The first writer sends slowly; the second arrives meanwhile.
  const first = new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'PUT', path, headers: { 'content-length': String(size) } },
      (res) => (res.resume(), resolve(res.statusCode!)),
    );
    req.on('error', reject);
    req.write(Buffer.alloc(1024 * 1024, 1));
    setTimeout(() => req.end(Buffer.alloc(size - 1024 * 1024, 1)), 500);
  });
  await new Promise((r) => setTimeout(r, 150));
  const second = await raw('PUT', path, { host: `127.0.0.1:${port}`, 'content-length': String(size) }, Buffer.alloc(size, 2).toString('latin1'));
  assert.equal(second.status, 409, second.body);
  assert.equal(await first, 200);

  const short = (await call(srv.url, 'POST', '/uploads', { filename: 'short.mp4', size: 1000 })).json;
  const cut = await raw('PUT', new URL(short.uploadUrl, srv.url).pathname, { host: `127.0.0.1:${port}` }, 'x'.repeat(500));
  assert.equal(cut.status, 400);
  assert.match(JSON.parse(cut.body).error, /500 bytes, but 1000 were announced/);
  const job = await call(srv.url, 'POST', '/jobs', { source: { uploadId: short.uploadId } });
  assert.equal(job.status, 409, 'the short upload was not taken as received');
});

test("no token in any URL the server hands out: uploads and downloads go by signed links that expire; the page's WebSocket sends the token as a subprotocol", async () => {
  const token = 'hostile-test-token-0123456789';
  const withToken = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-token-')), ['--token', token]);
  after(() => withToken.stop());
  const auth = { authorization: `Bearer ${token}` };
  const ticket = (await call(withToken.url, 'POST', '/uploads', { filename: 'a.srt', size: 5, contentType: 'text/plain' }, auth)).json;
  assert.doesNotMatch(ticket.uploadUrl, new RegExp(token));
  assert.match(ticket.uploadUrl, /\?exp=\d+&sig=[\w-]+$/);
  const put = (url: string) => fetch(url, { method: 'PUT', body: 'hello' });
  const tampered = ticket.uploadUrl.replace(/sig=([\w-])/, (_m: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
  assert.equal((await put(tampered)).status, 401, 'a changed signature');
  assert.equal((await put(ticket.uploadUrl.replace(/\/uploads\/[^?]+/, '/uploads/someone-else'))).status, 401, 'a signature for another path');
  assert.equal((await put(ticket.uploadUrl)).status, 200, 'the signed link needs no token');
  const refused = new WebSocket(`${withToken.url.replace('http', 'ws')}/ws`, ['clipforge', 'wrong-token-wrong-token']);
  assert.equal(await new Promise((r) => (refused.on('unexpected-response', (_q, res) => r(res.statusCode)), refused.on('open', () => r(101)))), 401);
  const ws = new WebSocket(`${withToken.url.replace('http', 'ws')}/ws`, ['clipforge', token]);
  assert.equal(await new Promise((r) => (ws.on('open', () => r(ws.protocol)), ws.on('unexpected-response', (_q, res) => r(res.statusCode)))), 'clipforge');
  ws.close();
});

test('API errors speak of API fields, never of CLI flags', async () => {
  const res = await call(srv.url, 'POST', '/jobs', { source: { url: 'https://example.com/a.mp4' }, options: { minSec: 50, maxSec: 40 } });
  assert.equal(res.status, 400);
  assert.match(res.json.error, /options\.minSec must be less than options\.maxSec/);
  assert.doesNotMatch(res.json.error, /--/);
});

test('a failed upload is named by its file name, never by where the server keeps it; a caption file sent as the video is told by its content', async () => {
  const srt = '1\n00:00:01,000 --> 00:00:02,000\nhello there\n\n2\n00:00:03,000 --> 00:00:04,000\nsecond cue\n';
  const ticket = (await call(srv.url, 'POST', '/uploads', { filename: 'My Talk.mp4', size: srt.length })).json;
  assert.equal((await fetch(new URL(ticket.uploadUrl, srv.url), { method: 'PUT', body: srt })).status, 200);
  const created = await call(srv.url, 'POST', '/jobs', { source: { uploadId: ticket.uploadId } });
  const job = await settled(srv.url, created.json.jobId);
  assert.equal(job.status, 'failed');
  assert.match(job.error, /^bad input: My Talk\.mp4 is a caption file \(SRT\/WebVTT\), not a video/);
  assert.doesNotMatch(job.error, /\/uploads\/|cf-hostile|\/tmp\//, 'no server path');
});

test('cancelling a job stops its download at once (a source that trickles would otherwise hold a worker)', async () => {
  let closed = false;
  let requested = false;
  const trickle = createServer((_req, res) => {
    requested = true;
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(100 * 1024 * 1024) });
    const timer = setInterval(() => res.write(Buffer.alloc(16)), 200);
    res.on('close', () => ((closed = true), clearInterval(timer)));
  });
  await new Promise<void>((r) => trickle.listen(0, '127.0.0.1', r));
  after(() => (trickle.closeAllConnections(), trickle.close()));
  const lab = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-cancel-')), ['--allow-private-urls']);
  after(() => lab.stop());
  const created = await call(lab.url, 'POST', '/jobs', { source: { url: `http://127.0.0.1:${(trickle.address() as AddressInfo).port}/slow.mp4` } });
  for (let i = 0; i < 300 && !requested; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(requested, 'the download began');
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  assert.equal((await call(lab.url, 'DELETE', `/jobs/${created.json.jobId}`)).status, 200);
  let job: any;
  for (let i = 0; i < 50; i++) {
    job = (await call(lab.url, 'GET', `/jobs/${created.json.jobId}`)).json;
    if (job.status === 'cancelled' && closed) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.status, 'cancelled');
  assert.ok(closed, 'the download connection was closed');
  assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
});

test('a token given to serve is never printed (terminals and logs keep what they show)', async () => {
  const token = 'given-token-0123456789abcdef';
  const s = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-token-')), ['--token', token]);
  try {
    assert.doesNotMatch(s.output(), new RegExp(token));
    assert.match(s.output(), /serving on/);
  } finally {
    await s.stop();
  }
});
