// `clipforge serve`: the jobs API, WebSocket progress, uploads, clip downloads, the inbox and the
// web page, in one process. Encoding never runs in a request: requests only touch the store and
// the queue, whose workers run the pipeline.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { limitConnections } from './connectionLimits.ts';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { ApiError } from '../api/apiError.ts';
import { errorResponse, jobsApi } from '../api/routes.ts';
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
import { ClipEditor } from './clipEditor.ts';
import { DEFAULT_KEEP_DAYS, keepJobs } from './retention.ts';
import { receiveUpload } from './receiveUpload.ts';
import { type GuardOptions, SECURITY_HEADERS, refusal } from './requestGuards.ts';
import { type LinkSigner, linkSigner } from './signedLinks.ts';
import { lockDataFolder } from './dataLock.ts';
import { mkdirSync } from 'node:fs';
import { httpAllowed, wsAllowed } from './access.ts';
import { resolveJobSource } from './jobSources.ts';
import { Subscriptions } from './subscriptions.ts';

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
  /** Ended jobs are removed this many days after their last change (default 30). */
  keepDays?: number;
  /** Each job's process may use this much heap (default JOB_HEAP_MB). */
  jobMemoryMb?: number;
}

export interface RunningServer {
  url: string;
  server: Server;
  queue: JobQueue;
  store: JobStore;
  close(): Promise<void>;
}

const WEB_DIR = join(PROJECT_ROOT, 'src', 'web');
const PAGE_FILES = [
  ['/', 'index.html'],
  ['/index.html', 'index.html'],
  ['/app.js', 'app.js'],
  ['/editor.js', 'editor.js'],
  ['/style.css', 'style.css'],
] as const;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The job store, opened only by the one server that holds the data folder's lock. */
function openStore(dataDir: string): { store: JobStore; unlock: () => void } {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataFolder(dataDir);
  try {
    return { store: new JobStore(join(dataDir, 'clipforge.db')), unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** The HTTP side: request checks first (host, origin, then access), the shared jobs API, uploads, clip files, the page. */
function httpApp(
  opts: ServeOptions,
  parts: { store: JobStore; queue: JobQueue; backend: LocalBackend; links: LinkSigner; guard: GuardOptions },
): Hono<{ Bindings: HttpBindings }> {
  const { store, queue, backend, links, guard } = parts;
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.onError((err) => {
    if (!(err instanceof ApiError)) opts.log.warn('request failed', { error: String(err) });
    return errorResponse(err);
  });
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', async (c, next) => {
    const why = refusal({ method: c.req.method, host: c.req.header('host'), origin: c.req.header('origin') }, guard);
    if (why) throw new ApiError(403, why);
    if (!httpAllowed({ path: c.req.path, authorization: c.req.header('authorization'), query: (n) => c.req.query(n) }, opts.token, links)) {
      throw new ApiError(401, 'an access token is required (Authorization: Bearer TOKEN), or a link this server signed that has not expired');
    }
    await next();
  });
  // Unhealthy while the job store cannot be written: a load balancer or supervisor should know.
  app.get('/healthz', (c) =>
    queue.storeFault
      ? c.json({ ok: false, error: `the job store cannot be written: ${queue.storeFault}` }, 503)
      : c.json({ ok: true, running: queue.active, queued: store.jobs.count('queued') }),
  );
  app.route('/', jobsApi(backend));
  app.put('/uploads/:id', async (c) => {
    const up = store.upload(c.req.param('id'));
    if (!up) throw new ApiError(404, `no upload ${c.req.param('id')}`);
    if (up.received) throw new ApiError(409, `upload ${up.id} was already received`);
    const bytes = await receiveUpload(c.env.incoming, up.path, Math.min(opts.maxUploadBytes, up.size), up.size);
    store.markReceived(up.id);
    return c.json({ uploadId: up.id, bytes });
  });
  app.get('/jobs/:id/files/:name', async (c) => {
    const job = await store.jobs.get(c.req.param('id'));
    if (!job) throw new ApiError(404, `no job ${c.req.param('id')}`);
    const name = c.req.param('name');
    const known = (job.manifest?.clips ?? []).flatMap((k) => [k.file, k.srt, k.vtt, k.thumbnail]);
    if (!known.includes(name)) throw new ApiError(404, `job ${job.jobId} has no file ${name}`);
    return fileResponse(join(queue.outDir(job.jobId), name), c.req.header('range'), { 'cache-control': 'private, max-age=3600' });
  });
  for (const [path, file] of PAGE_FILES) app.get(path, () => fileResponse(join(WEB_DIR, file), undefined, { 'cache-control': 'no-cache' }));
  app.notFound(() => errorResponse(new ApiError(404, 'no such route')));
  return app;
}

/** A watched folder: a video that stops growing becomes a job, once, with its caption file if one sits beside it. */
function inbox(opts: ServeOptions, store: JobStore, queue: JobQueue): () => void {
  if (!opts.inboxDir) return () => undefined;
  return watchInbox({
    dir: opts.inboxDir,
    pollMs: opts.inboxPollMs ?? 1000,
    log: opts.log,
    onFile: (path, key) => {
      if (queue.full) return false; // taken on a later poll, when there is room
      const id = newJobId();
      if (!store.claimInbox(key, id)) return false;
      const captions = sidecarOf(path);
      queue
        .submit({ jobId: id, name: path.split('/').pop()!, source: { path }, captions: captions ? { path: captions } : null, options: {} })
        .catch((err: unknown) => opts.log.warn('an inbox file could not become a job', { key, error: String((err as Error).message ?? err) }));
      return true;
    },
  });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { store, unlock } = openStore(opts.dataDir);
  const links = linkSigner(opts.token);
  const guard: GuardOptions = { boundHost: opts.host, publicHosts: opts.publicHosts ?? [] };
  const queue = new JobQueue(
    store,
    {
      concurrency: opts.concurrency,
      backlog: opts.backlog,
      maxAttempts: 2,
      dataDir: opts.dataDir,
      resolveSource: (s) => resolveJobSource(store, s),
      urlAddresses: opts.allowPrivateUrls ? 'any' : 'public',
      ...(opts.jobPorts ? { jobPorts: opts.jobPorts } : {}),
      ...(opts.jobMemoryMb ? { jobMemoryMb: opts.jobMemoryMb } : {}),
    },
    opts.log,
  );
  const editor = new ClipEditor(queue, { concurrency: opts.concurrency, log: opts.log, overrides: opts.jobPorts });
  const backend = new LocalBackend(
    queue,
    {
      dataDir: opts.dataDir,
      // Off loopback, clients are other machines: they may not name files on this one.
      allowPaths: isLoopback(opts.host),
      maxClipConcurrency: opts.concurrency,
      maxUploadBytes: opts.maxUploadBytes,
      signLink: (path) => links.sign(path),
    },
    editor,
  );
  // Links relative to the page: the server's bind address may not be how clients reach it.
  const subscriptions = new Subscriptions(store, (job) => backend.detail(job, ''));
  queue.on('event', (e: QueueEvent) => subscriptions.publish(e));

  /** A request's headers must arrive within this (a client that trickles them holds a connection). */
  const HEADERS_TIMEOUT_MS = 20_000;
  const server = createServer(getRequestListener(httpApp(opts, { store, queue, backend, links, guard }).fetch));
  // Node cuts any request at 5 minutes by default: an 8 GB upload on a slow link needs longer.
  // Uploads have their own stall timeout instead (receiveUpload.ts); headers must still come quickly.
  server.requestTimeout = 0;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  const websocketAllowed = limitConnections(server);
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, text: string) => socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (refusal({ method: 'GET', upgrade: true, host: req.headers.host, origin: req.headers.origin }, guard)) return refuse(403, 'Forbidden');
    if (!wsAllowed(req, url, opts.token)) return refuse(401, 'Unauthorized');
    if (!websocketAllowed(socket as Socket)) return refuse(503, 'Too Many Connections');
    subscriptions.accept(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      store.close();
      unlock();
      reject(err);
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  await queue.recover();
  const stopInbox = inbox(opts, store, queue);
  const stopKeeping = keepJobs(queue, opts.keepDays ?? DEFAULT_KEEP_DAYS, opts.log, (id) => editor.busy(id));
  const address = server.address() as AddressInfo;

  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${address.port}`,
    server,
    queue,
    store,
    close: async () => {
      stopInbox();
      stopKeeping();
      await queue.close();
      subscriptions.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      store.close();
      unlock();
    },
  };
}
