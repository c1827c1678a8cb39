// `clipforge serve`: the jobs API, WebSocket progress, uploads, clip downloads, the inbox and the
// web page, in one process. Encoding never runs in a request: requests only touch the store and
// the queue, whose workers run the pipeline.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError } from '../api/apiError.ts';
import { errorResponse, jobsApi } from '../api/routes.ts';
import { ClientMessageSchema } from '../api/schemas.ts';
import { PROJECT_ROOT } from '../core/projectRoot.ts';
import type { Logger } from '../core/ports.ts';
import type { LocalJobRequest } from '../runtime/local/runJob.ts';
import { newJobId } from '../core/jobId.ts';
import { sidecarOf } from '../adapters/local/sidecar.ts';
import { fileResponse } from './files.ts';
import { watchInbox } from './inboxWatcher.ts';
import { JobQueue, type QueueEvent } from './jobQueue.ts';
import { JobStore } from './jobStore.ts';
import { LocalBackend } from './localBackend.ts';
import { receiveUpload } from './receiveUpload.ts';
import { refusal } from './requestGuards.ts';
import { linkSigner } from './signedLinks.ts';
import { lockDataFolder } from './dataLock.ts';
import { mkdirSync } from 'node:fs';
import { ALL_JOBS, catchUp, messages } from '../jobs/messages.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  inboxDir?: string | undefined;
  concurrency: number;
  backlog: number;
  token?: string | undefined;
  maxUploadBytes: number;
  log: Logger;
  inboxPollMs?: number;
  jobPorts?: LocalJobRequest['ports'];
  /** Let clients' URL sources name loopback and private addresses (tests, home labs); off by default. */
  allowPrivateUrls?: boolean;
  /** Host names clients reach this server by, besides loopback names and IP addresses. */
  publicHosts?: string[];
}

export interface RunningServer {
  url: string;
  server: Server;
  queue: JobQueue;
  store: JobStore;
  close(): Promise<void>;
}

const WEB_DIR = join(PROJECT_ROOT, 'src', 'web');

/** On every response: the page loads only its own script, style and media, is never framed, leaks no URL. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
/** The WebSocket subprotocol the page names, followed by the access token. */
const WS_PROTOCOL = 'clipforge';
/** A client message is a subscription of a few dozen bytes. */
const WS_MAX_MESSAGE_BYTES = 4096;
/** Subscriptions one socket may hold ("*" covers every job). */
const WS_MAX_SUBSCRIPTIONS = 100;
/** A consumer this far behind (not reading) is dropped, so it cannot grow the server's memory. */
const WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const PUBLIC = new Set(['/', '/index.html', '/app.js', '/style.css', '/healthz']);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: { header(name: string): string | undefined; query(name: string): string | undefined }): string | undefined {
  const auth = req.header('authorization');
  return auth?.startsWith('Bearer ') ? auth.slice(7) : req.query('token');
}

/** Paths reachable by a signed link instead of the token: clip files and upload targets. */
const SIGNED_PATHS = /^\/(uploads\/[^/]+|jobs\/[^/]+\/files\/[^/]+)$/;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const links = linkSigner(opts.token);
  mkdirSync(opts.dataDir, { recursive: true });
  const unlock = lockDataFolder(opts.dataDir);
  let store: JobStore;
  try {
    store = new JobStore(join(opts.dataDir, 'clipforge.db'));
  } catch (err) {
    unlock();
    throw err;
  }
  let backend: LocalBackend | undefined;
  const queue = new JobQueue(
    store,
    {
      concurrency: opts.concurrency,
      backlog: opts.backlog,
      maxAttempts: 2,
      dataDir: opts.dataDir,
      resolveSource: (s) => backend!.resolveSource(s),
      urlAddresses: opts.allowPrivateUrls ? 'any' : 'public',
      ...(opts.jobPorts ? { jobPorts: opts.jobPorts } : {}),
    },
    opts.log,
  );
  backend = new LocalBackend(queue, {
    dataDir: opts.dataDir,
    // Off loopback, clients are other machines: they may not name files on this one.
    allowPaths: isLoopback(opts.host),
    maxUploadBytes: opts.maxUploadBytes,
    signLink: (path) => links.sign(path),
  });
  const local = backend;

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.onError((err) => {
    if (!(err instanceof ApiError)) opts.log.warn('request failed', { error: String(err) });
    return errorResponse(err);
  });
  const guard = { boundHost: opts.host, publicHosts: opts.publicHosts ?? [] };
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', async (c, next) => {
    const why = refusal({ method: c.req.method, host: c.req.header('host'), origin: c.req.header('origin') }, guard);
    if (why) throw new ApiError(403, why);
    await next();
  });
  app.use('*', async (c, next) => {
    const signed = SIGNED_PATHS.test(c.req.path) && links.valid(c.req.path, c.req.query('exp'), c.req.query('sig'));
    if (opts.token && !PUBLIC.has(c.req.path) && !signed && !tokenMatches(bearer(c.req), opts.token)) {
      throw new ApiError(401, 'an access token is required (Authorization: Bearer TOKEN), or a link this server signed that has not expired');
    }
    await next();
  });
  // Unhealthy while the job store cannot be written: a load balancer or supervisor should know.
  app.get('/healthz', (c) =>
    queue.storeFault ? c.json({ ok: false, error: `the job store cannot be written: ${queue.storeFault}` }, 503) : c.json({ ok: true, running: queue.active, queued: store.count('queued') }),
  );
  app.route('/', jobsApi(local));
  app.put('/uploads/:id', async (c) => {
    const up = store.upload(c.req.param('id'));
    if (!up) throw new ApiError(404, `no upload ${c.req.param('id')}`);
    if (up.received) throw new ApiError(409, `upload ${up.id} was already received`);
    const bytes = await receiveUpload(c.env.incoming, up.path, Math.min(opts.maxUploadBytes, up.size), up.size);
    store.markReceived(up.id);
    return c.json({ uploadId: up.id, bytes });
  });
  app.get('/jobs/:id/files/:name', async (c) => {
    const job = store.job(c.req.param('id'));
    if (!job) throw new ApiError(404, `no job ${c.req.param('id')}`);
    const name = c.req.param('name');
    const known = (job.manifest?.clips ?? []).flatMap((k) => [k.file, k.srt, k.vtt, k.thumbnail]);
    if (!known.includes(name)) throw new ApiError(404, `job ${job.id} has no file ${name}`);
    return fileResponse(join(queue.outDir(job.id), name), c.req.header('range'), { 'cache-control': 'private, max-age=3600' });
  });
  for (const [path, file] of [['/', 'index.html'], ['/index.html', 'index.html'], ['/app.js', 'app.js'], ['/style.css', 'style.css']] as const) {
    app.get(path, () => fileResponse(join(WEB_DIR, file), undefined, { 'cache-control': 'no-cache' }));
  }
  app.notFound(() => errorResponse(new ApiError(404, 'no such route')));

  const server = createServer(getRequestListener(app.fetch));
  // Node cuts any request at 5 minutes by default: an 8 GB upload on a slow link needs longer.
  // Uploads have their own stall timeout instead (receiveUpload.ts); headers must still come quickly.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES, handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  /** Sends unless the client has stopped reading; then it is dropped. */
  const send = (ws: WebSocket, text: string) => {
    if (ws.bufferedAmount > WS_MAX_BUFFERED_BYTES) return void ws.terminate();
    ws.send(text);
  };
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (refusal({ method: 'GET', upgrade: true, host: req.headers.host, origin: req.headers.origin }, guard)) return refuse(403, 'Forbidden');
    // Browsers cannot set headers on a WebSocket: the page sends the token as a subprotocol
    // ("clipforge", TOKEN), which stays out of URLs and logs.
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const given =
      (protocols[0] === WS_PROTOCOL ? protocols[1] : undefined) ??
      url.searchParams.get('token') ??
      (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined);
    if (opts.token && !tokenMatches(given, opts.token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const subs = new Map<WebSocket, Set<string>>();
  const origin = () => `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${(server.address() as AddressInfo).port}`;
  wss.on('connection', (ws: WebSocket) => {
    subs.set(ws, new Set());
    ws.on('close', () => subs.delete(ws));
    // A client's protocol fault (a frame over the limit, a bad frame) ends its connection, never the server.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      let msg;
      try {
        msg = ClientMessageSchema.parse(JSON.parse(String(data)));
      } catch {
        send(ws, JSON.stringify(messages.error('send {"subscribe": "<jobId>"} or {"subscribe": "*"}')));
        return;
      }
      const mine = subs.get(ws)!;
      if (!mine.has(msg.subscribe) && mine.size >= WS_MAX_SUBSCRIPTIONS) {
        send(ws, JSON.stringify(messages.error(`at most ${WS_MAX_SUBSCRIPTIONS} subscriptions per connection; subscribe to "*" for every job`)));
        return;
      }
      mine.add(msg.subscribe);
      // Catch up: where the job is now, or how it ended. For "*" without manifests: each job's
      // detail is one GET /jobs/{id} away, and 50 manifests at every subscribe would be a flood.
      const all = msg.subscribe === ALL_JOBS;
      const jobs = all ? store.jobs(50).reverse() : [store.job(msg.subscribe)].filter((j) => j !== undefined);
      if (!all && !jobs.length) send(ws, JSON.stringify(messages.error(`no job ${msg.subscribe}`, msg.subscribe)));
      for (const j of jobs) {
        const state = { ...j, jobId: j.id };
        for (const m of catchUp(state, all ? { withManifest: false } : { withManifest: true, detail: local.detail(j, '') })) send(ws, JSON.stringify(m));
      }
    });
  });
  queue.on('event', (e: QueueEvent) => {
    let payload: string | undefined;
    for (const [ws, wanted] of subs) {
      if (!wanted.has(e.jobId) && !wanted.has('*')) continue;
      if (e.type === 'done') {
        const j = store.job(e.jobId);
        // Links relative to the page: the server's bind address may not be how clients reach it.
        payload ??= JSON.stringify(messages.done(e.jobId, e.manifest, j && local.detail(j, '')));
      } else {
        payload ??= JSON.stringify(e);
      }
      send(ws, payload);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => (store.close(), unlock(), reject(err)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  queue.recover();

  const stopInbox = opts.inboxDir
    ? watchInbox({
        dir: opts.inboxDir,
        pollMs: opts.inboxPollMs ?? 1000,
        log: opts.log,
        onFile: (path, key) => {
          if (queue.full) return false; // taken on a later poll, when there is room
          const id = newJobId();
          if (!store.claimInbox(key, id)) return false;
          // A caption file dropped beside the video (talk.srt for talk.mp4) is used for it.
          const captions = sidecarOf(path);
          queue.submit({ id, name: path.split('/').pop()!, source: { path }, captions: captions ? { path: captions } : null, options: {} });
          return true;
        },
      })
    : () => undefined;

  return {
    url: origin(),
    server,
    queue,
    store,
    close: async () => {
      stopInbox();
      await queue.close();
      for (const ws of subs.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      store.close();
      unlock();
    },
  };
}
