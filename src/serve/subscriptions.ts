// serve's WebSocket side: who listens to which job, the catch-up on subscribing, the fan-out of
// queue events, and the limits that keep one client from growing the server (message size,
// subscriptions per socket, a consumer that stops reading).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessageSchema } from '../api/schemas.ts';
import { ALL_JOBS, catchUp, messages } from '../jobs/messages.ts';
import { WS_PROTOCOL } from './access.ts';
import type { LocalJob, QueueEvent } from './jobQueue.ts';
import type { JobStore } from './jobStore.ts';

/** A client message is a subscription of a few dozen bytes. */
const MAX_MESSAGE_BYTES = 4096;
/** Subscriptions one socket may hold ("*" covers every job). */
const MAX_SUBSCRIPTIONS = 100;
/** A consumer this far behind (not reading) is dropped, so it cannot grow the server's memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Finished jobs a "*" subscriber is told about on subscribing. */
const CATCH_UP_JOBS = 50;

export class Subscriptions {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  private readonly subs = new Map<WebSocket, Set<string>>();

  constructor(
    private readonly store: JobStore,
    /** A job's detail with its links, relative to the page. */
    private readonly detail: (job: LocalJob) => unknown,
  ) {
    this.wss.on('connection', (ws: WebSocket) => this.attach(ws));
  }

  /** Takes an upgrade the server has already checked (host, origin, token). */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Every subscriber of the event's job (and of "*") gets it; a "done" carries the job's detail. */
  publish(e: QueueEvent): void {
    let payload: string | undefined;
    for (const [ws, wanted] of this.subs) {
      if (!wanted.has(e.jobId) && !wanted.has(ALL_JOBS)) continue;
      if (e.type === 'done') {
        const j = this.store.jobs.getNow(e.jobId);
        payload ??= JSON.stringify(messages.done(e.jobId, e.manifest, j && this.detail(j)));
      } else {
        payload ??= JSON.stringify(e);
      }
      this.send(ws, payload);
    }
  }

  close(): void {
    for (const ws of this.subs.keys()) ws.terminate();
    this.wss.close();
  }

  /** Sends unless the client has stopped reading; then it is dropped. */
  private send(ws: WebSocket, text: string): void {
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
    ws.send(text);
  }

  private attach(ws: WebSocket): void {
    this.subs.set(ws, new Set());
    ws.on('close', () => this.subs.delete(ws));
    // A client's protocol fault (a frame over the limit, a bad frame) ends its connection, never the server.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => this.subscribe(ws, String(data)));
  }

  private subscribe(ws: WebSocket, text: string): void {
    let msg;
    try {
      msg = ClientMessageSchema.parse(JSON.parse(text));
    } catch {
      this.send(ws, JSON.stringify(messages.error('send {"subscribe": "<jobId>"} or {"subscribe": "*"}')));
      return;
    }
    const mine = this.subs.get(ws)!;
    if (!mine.has(msg.subscribe) && mine.size >= MAX_SUBSCRIPTIONS) {
      this.send(ws, JSON.stringify(messages.error(`at most ${MAX_SUBSCRIPTIONS} subscriptions per connection; subscribe to "*" for every job`)));
      return;
    }
    mine.add(msg.subscribe);
    // Catch up: where the job is now, or how it ended. For "*" without manifests: each job's
    // detail is one GET /jobs/{id} away, and 50 manifests at every subscribe would be a flood.
    const all = msg.subscribe === ALL_JOBS;
    const jobs = all ? this.store.jobs.recent(CATCH_UP_JOBS).reverse() : [this.store.jobs.getNow(msg.subscribe)].filter((j) => j !== undefined);
    if (!all && !jobs.length) this.send(ws, JSON.stringify(messages.error(`no job ${msg.subscribe}`, msg.subscribe)));
    for (const j of jobs) {
      for (const m of catchUp(j, all ? { withManifest: false } : { withManifest: true, detail: this.detail(j) })) this.send(ws, JSON.stringify(m));
    }
  }
}
