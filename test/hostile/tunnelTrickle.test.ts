// The guarded proxy's pace rule inside CONNECT tunnels (what yt-dlp's https fetches go through):
// a server dripping bytes through the tunnel is cut like a dripping plain-http response, while a
// tunnel that carried a response and then idles (keep-alive between requests) is left open. The
// tunnel is opaque to the proxy, so a plain TCP server stands in for the TLS one behind it.
import assert from 'node:assert/strict';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { after, test } from 'node:test';
import { startForwardProxy } from '../../src/adapters/http/forwardProxy.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A TCP server that runs `talk` on each connection. */
async function target(talk: (s: Socket) => void): Promise<number> {
  const server = createServer(talk);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Opens a tunnel through the proxy to 127.0.0.1:`port`; resolves when the tunnel closes, with the bytes that came through and how long it stayed open. */
function throughTunnel(proxyUrl: string, port: number, holdMs: number): Promise<{ bytes: number; closedBy: 'proxy' | 'us'; ms: number }> {
  const { port: proxyPort } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = connect(Number(proxyPort), '127.0.0.1', () => socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    let bytes = 0;
    let established = false;
    let ours = false;
    const timer = setTimeout(() => {
      ours = true;
      socket.destroy();
    }, holdMs);
    socket.on('data', (chunk) => {
      if (!established) {
        const text = chunk.toString('latin1');
        established = /^HTTP\/1\.1 200/.test(text);
        if (!established) reject(new Error(`tunnel refused: ${text.split('\r\n')[0]}`));
        // What the target sent may come in the same chunk as the proxy's answer.
        bytes += chunk.length - (text.indexOf('\r\n\r\n') + 4);
        return;
      }
      bytes += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ bytes, closedBy: ours ? 'us' : 'proxy', ms: performance.now() - t0 });
    });
  });
}

const RULES = { stallMs: 2000, minBytesPerSec: 256 };

test('a server dripping a byte every 200 ms through a tunnel is cut within two windows', async () => {
  const port = await target((s) => {
    const drip = setInterval(() => s.write('x'), 200);
    s.on('close', () => clearInterval(drip));
    s.on('error', () => clearInterval(drip));
  });
  const proxy = await startForwardProxy({ traffic: RULES });
  after(() => proxy.close());
  const res = await throughTunnel(proxy.url, port, 15_000);
  assert.equal(res.closedBy, 'proxy', `the tunnel stayed open ${res.ms.toFixed(0)} ms`);
  assert.ok(res.ms < 2 * RULES.stallMs + 1000, `cut after ${res.ms.toFixed(0)} ms`);
  assert.equal(proxy.stalled, true);
});

test('a tunnel that carried a response and then idles is left open (keep-alive between requests)', async () => {
  const port = await target((s) => {
    s.write('y'.repeat(3000)); // a small response, under the window's minimum, in one burst
  });
  const proxy = await startForwardProxy({ traffic: RULES });
  after(() => proxy.close());
  const res = await throughTunnel(proxy.url, port, 3 * RULES.stallMs + 500);
  assert.equal(res.closedBy, 'us', `the proxy cut an idle tunnel after ${res.ms.toFixed(0)} ms`);
  assert.equal(res.bytes, 3000);
  assert.equal(proxy.stalled, false);
});
