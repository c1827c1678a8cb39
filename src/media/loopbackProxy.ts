// A forward HTTP proxy on 127.0.0.1 that FFmpeg is pointed at (`http_proxy`) where its build
// cannot look up host names. The static FFmpeg/ffprobe builds shipped to Lambda link glibc
// statically; glibc then loads the system's NSS modules for any name lookup, and a static binary
// with the host's dynamic libc.so inside crashes (SIGSEGV, exit 139) — measured here on Debian 12
// and the same on Amazon Linux 2023. With this proxy FFmpeg dials only the numeric 127.0.0.1:
// plain http goes as an absolute-URI request, https as CONNECT (TLS stays end to end), and Node
// does every name lookup.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** Headers that belong to one hop and are not forwarded. */
const HOP_BY_HOP = new Set(['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade']);

function forward(req: IncomingMessage, res: import('node:http').ServerResponse): void {
  let target: URL;
  try {
    target = new URL(req.url ?? '');
    if (target.protocol !== 'http:') throw new Error('not http');
  } catch {
    res.writeHead(400).end('absolute http:// URL expected');
    return;
  }
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
  // One upstream connection per request (agent: false), closed with it: FFmpeg opens a new one per seek anyway.
  const upstream = request(target, { method: req.method, headers, agent: false }, (up) => {
    res.writeHead(up.statusCode ?? 502, Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()))));
    up.pipe(res);
  });
  upstream.on('error', (err) => (res.headersSent ? res.destroy(err) : res.writeHead(502).end(`upstream: ${err.message}`)));
  // FFmpeg drops a connection once it has read what it needs (a seek): stop the upstream transfer too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
  const m = /^(.+):(\d+)$/.exec(req.url ?? '');
  if (!m) {
    client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  const upstream = connect(Number(m[2]), m[1]!.replace(/^\[|\]$/g, ''), () => {
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

export interface LoopbackProxy {
  /** For FFmpeg's `http_proxy`: always a numeric address. */
  url: string;
  close(): Promise<void>;
}

export async function startLoopbackProxy(): Promise<LoopbackProxy> {
  const server: Server = createServer(forward);
  server.on('connect', tunnel);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  // Never what keeps a process alive (a CLI, a test, a Lambda between invocations).
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let shared: Promise<LoopbackProxy> | undefined;

/**
 * The environment FFmpeg children run with. `CLIPFORGE_FFMPEG_PROXY=loopback` (set by the stack on
 * the functions that ship the static build) routes their URLs through one shared loopback proxy.
 */
export async function ffmpegEnv(env: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  if (env.CLIPFORGE_FFMPEG_PROXY !== 'loopback') return env;
  shared ??= startLoopbackProxy();
  const { url } = await shared;
  // no_proxy emptied: a proxy left out for some host would bring the name lookup back.
  return { ...env, http_proxy: url, no_proxy: '' };
}
