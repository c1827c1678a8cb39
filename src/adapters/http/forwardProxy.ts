// A forward HTTP proxy on 127.0.0.1 for the tools we run that fetch URLs themselves: plain http
// goes as an absolute-URI request, https as CONNECT (TLS stays end to end), and Node does every
// name lookup, through the address guard when a policy is given (addressGuard.ts: each target,
// every redirect the tool follows and every media URL it opens, checked and connected to by the
// checked address). Used for FFmpeg where its build cannot look up names
// (src/media/loopbackProxy.ts) and for yt-dlp fetching on a server's behalf.
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import { type AddressInfo, type Socket, connect, isIP } from 'node:net';
import { type AddressPolicy, Refused, allowed, checkedAddress, guardedLookup } from './addressGuard.ts';

/** Headers that belong to one hop and are not forwarded. */
const HOP_BY_HOP = new Set(['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade']);

/**
 * What the proxy's traffic may add up to, and how slowly it may move: a tool's own downloads
 * (yt-dlp's HLS and DASH fragments, a chunked response) are held to the same rules as the
 * fetcher's (download.ts), which their own options do not cover.
 */
export interface TrafficRules {
  /** Bytes received from upstreams in all, across every connection of the session. */
  maxBytes?: number;
  /** A connection that moves less than `minBytesPerSec` over this long is cut (silence and trickles alike). */
  stallMs?: number;
  minBytesPerSec?: number;
}

/** A tunnel is trickling when bytes came in at least this share of a window's seconds. */
const TRICKLE_BUSY_SHARE = 0.5;

/** Counts the session's bytes and watches each connection's pace. */
class Meter {
  received = 0;
  overCap = false;
  stalled = false;
  private readonly open = new Set<{ destroy(): void }>();
  constructor(private readonly rules: TrafficRules) {}

  /**
   * Watches one upstream response or tunnel; `stop` cuts it (and its client side). A response
   * being read (`response`) is cut when a window moves less than the minimum, silence included. A
   * TLS tunnel (`tunnel`) idles between the requests it carries, so silence there is left to
   * yt-dlp's socket timeout; it is cut for a trickle: under the minimum while bytes kept coming
   * through most of the window (a server dripping a byte at a time), where a burst and then quiet
   * (a small response, then keep-alive) has bytes in a few of its seconds only.
   */
  watch(
    source: { on(event: 'data', fn: (c: Buffer) => void): unknown; once(event: 'close', fn: () => void): unknown },
    stop: { destroy(): void },
    kind: 'response' | 'tunnel',
  ): void {
    this.open.add(stop);
    let windowBytes = 0;
    const busySeconds = new Set<number>();
    const stallMs = this.rules.stallMs;
    const timer = stallMs
      ? setInterval(() => {
          const slow = windowBytes < (this.rules.minBytesPerSec ?? 0) * (stallMs / 1000);
          const trickle = busySeconds.size >= TRICKLE_BUSY_SHARE * Math.max(1, stallMs / 1000);
          if (slow && (kind === 'response' || trickle)) {
            this.stalled = true;
            stop.destroy();
          }
          windowBytes = 0;
          busySeconds.clear();
        }, stallMs)
      : undefined;
    timer?.unref();
    source.on('data', (chunk: Buffer) => {
      windowBytes += chunk.length;
      busySeconds.add(Math.floor(performance.now() / 1000));
      this.received += chunk.length;
      if (this.rules.maxBytes !== undefined && this.received > this.rules.maxBytes && !this.overCap) {
        this.overCap = true;
        for (const c of this.open) c.destroy();
      }
    });
    source.once('close', () => {
      clearInterval(timer);
      this.open.delete(stop);
    });
  }
}

function forward(req: IncomingMessage, res: ServerResponse, policy: AddressPolicy, refused: () => void, meter: Meter): void {
  let target: URL;
  try {
    target = new URL(req.url ?? '');
    if (target.protocol !== 'http:') throw new Error('not http');
  } catch {
    res.writeHead(400).end('absolute http:// URL expected');
    return;
  }
  if (meter.overCap) {
    res.writeHead(507).end('download cap reached');
    return;
  }
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
  // One upstream connection per request (agent: false), closed with it: FFmpeg opens a new one per seek anyway.
  const guard = policy === 'any' ? {} : { lookup: guardedLookup(policy) };
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (policy !== 'any' && isIP(host) && !allowed(policy, host)) {
    refused();
    res.writeHead(403).end('target refused');
    return;
  }
  const upstream = request(target, { method: req.method, headers, agent: false, ...guard }, (up) => {
    meter.watch(
      up,
      {
        destroy: () => {
          upstream.destroy();
          res.destroy();
        },
      },
      'response',
    );
    res.writeHead(up.statusCode ?? 502, Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()))));
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    if (err instanceof Refused) refused();
    if (res.headersSent) res.destroy(err);
    else res.writeHead(err instanceof Refused ? 403 : 502).end(err instanceof Refused ? 'target refused' : `upstream: ${err.message}`);
  });
  // FFmpeg drops a connection once it has read what it needs (a seek): stop the upstream transfer too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

async function tunnel(req: IncomingMessage, client: Socket, head: Buffer, policy: AddressPolicy, refused: () => void, meter: Meter): Promise<void> {
  const m = /^(.+):(\d+)$/.exec(req.url ?? '');
  if (!m) {
    client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  if (meter.overCap) {
    client.end('HTTP/1.1 507 Insufficient Storage\r\n\r\n');
    return;
  }
  let host = m[1]!.replace(/^\[|\]$/g, '');
  if (policy !== 'any') {
    try {
      host = (await checkedAddress(host, policy)).address;
    } catch (err) {
      if (err instanceof Refused) refused();
      client.end(err instanceof Refused ? 'HTTP/1.1 403 Forbidden\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
  }
  const upstream = connect(Number(m[2]), host, () => {
    meter.watch(
      upstream,
      {
        destroy: () => {
          upstream.destroy();
          client.destroy();
        },
      },
      'tunnel',
    );
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  // Either side gone ends the tunnel: a half-open upstream would otherwise linger.
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

export interface ForwardProxy {
  /** For a tool's proxy setting: always a numeric address. */
  url: string;
  /** How many targets the address policy refused so far. */
  readonly refusals: number;
  /** The session's traffic went over `maxBytes`, or a connection stalled (its connections were cut). */
  readonly overCap: boolean;
  readonly stalled: boolean;
  close(): Promise<void>;
}

export async function startForwardProxy(opts: { addresses?: AddressPolicy; traffic?: TrafficRules } = {}): Promise<ForwardProxy> {
  const policy = opts.addresses ?? 'any';
  const meter = new Meter(opts.traffic ?? {});
  let refusals = 0;
  const refused = () => {
    refusals++;
  };
  const server: Server = createServer((req, res) => forward(req, res, policy, refused, meter));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => void tunnel(req, client, head, policy, refused, meter));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  // Never what keeps a process alive (a CLI, a test, a Lambda between invocations).
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refusals() {
      return refusals;
    },
    get overCap() {
      return meter.overCap;
    },
    get stalled() {
      return meter.stalled;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
