// Connections as an attacker holds them, against the real `clipforge serve`: idle sockets from one
// address (1,100 of them once made the server stop answering), WebSocket connections (3,000 were
// accepted), and a JSON body that never finishes (it was held forever). Other clients keep being
// answered. Each client is its own loopback address (127.0.0.x), as separate machines would be.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/serve/connectionLimits.ts';
import { type ServeProcess, serveProcess } from '../helpers/serveProcess.ts';

let srv: ServeProcess;
let port: number;
before(async () => {
  srv = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-conns-')));
  port = Number(new URL(srv.url).port);
});
after(() => srv?.stop());

/** A socket from `from` that sends nothing; resolves once connected, with whether the server then closed it. */
function idle(from: string): Promise<{ socket: Socket; closed: Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from });
    socket.once('error', reject);
    socket.once('connect', () => {
      const closed = new Promise<boolean>((r) => {
        socket.once('close', () => r(true));
        setTimeout(() => r(false), 1500).unref();
      });
      resolve({ socket, closed });
    });
  });
}

const healthz = () => fetch(`${srv.url}/healthz`).then((r) => r.status);

test('one address holds at most its share of connections; the server keeps answering others', async () => {
  const held: Socket[] = [];
  after(() => {
    for (const s of held) s.destroy();
  });
  for (let i = 0; i < DEFAULT_CONNECTION_LIMITS.perClient; i++) held.push((await idle('127.0.0.2')).socket);
  const over = await idle('127.0.0.2');
  held.push(over.socket);
  assert.equal(await over.closed, true, 'the connection over the cap is closed');
  assert.equal(await healthz(), 200, 'another client is answered');
});

test('WebSocket connections are capped per address (503), others still connect', async () => {
  const open: WebSocket[] = [];
  after(() => {
    for (const w of open) w.terminate();
  });
  const ws = (from: string) =>
    new Promise<WebSocket | number>((resolve) => {
      const w = new WebSocket(`${srv.url.replace('http', 'ws')}/ws`, { localAddress: from });
      w.once('open', () => resolve(w));
      w.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      w.once('error', () => resolve(-1));
    });
  for (let i = 0; i < DEFAULT_CONNECTION_LIMITS.websocketsPerClient; i++) {
    const w = await ws('127.0.0.3');
    assert.ok(w instanceof WebSocket, `connection ${i + 1} accepted`);
    open.push(w);
  }
  assert.equal(await ws('127.0.0.3'), 503);
  const other = await ws('127.0.0.4');
  assert.ok(other instanceof WebSocket, 'another address connects');
  open.push(other);
});

test('a JSON body that never finishes is answered 408 instead of holding the connection', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${srv.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } }, (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    req.once('error', reject);
    req.write('{"source": ');
  });
  assert.equal(status, 408);
});
