// The one fetcher for URLs opened on someone else's behalf (src/adapters/http/download.ts), tried
// as an attacker would from a client of `serve` or of the AWS API: loopback in every spelling,
// link-local metadata, IPv4 hidden in IPv6, redirects into the server's network, and peers that
// stall or cut off. Real loopback servers; every refusal says the same thing and reaches nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isPublicAddress } from '../../src/adapters/http/addressGuard.ts';
import { DEFAULT_DOWNLOAD_LIMITS, type DownloadLimits, downloadToFile } from '../../src/adapters/http/download.ts';

const UNREACHABLE = /^could not download .*: it cannot be reached from this server$/;
let secret: Server;
let secretHits = 0;
let port: number;
let redirector: Server;
let redirectorPort: number;
const dir = mkdtempSync(join(tmpdir(), 'cf-guard-'));
const dest = () => join(dir, `f-${Math.random().toString(36).slice(2)}`);

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  // Stands for an internal service: it answers anyone who reaches it.
  secret = createServer((_req, res) => {
    secretHits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('1\n00:00:00,000 --> 00:00:02,000\ninternal secret\n');
  });
  port = await listen(secret, '0.0.0.0');
  redirector = createServer((req, res) => {
    const m = /^\/hops\/(\d+)$/.exec(req.url ?? '');
    if (m) return void res.writeHead(302, { location: `/hops/${Number(m[1]) + 1}` }).end();
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-length': '100000' });
      const timer = setInterval(() => res.write('x'), 100); // 10 bytes a second
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x');
      return; // never more
    }
    if (req.url === '/short') {
      res.writeHead(200, { 'content-length': '1000' });
      res.end('x'.repeat(500), () => res.socket?.destroy());
      return;
    }
    res.writeHead(302, { location: `http://127.0.0.2:${port}/secret` }).end();
  });
  redirectorPort = await listen(redirector, '127.0.0.1');
});
after(() => {
  secret.closeAllConnections();
  secret.close();
  redirector.closeAllConnections();
  redirector.close();
});

test('addresses a server may fetch from: public unicast only', () => {
  for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34']) assert.ok(isPublicAddress(a), a);
  for (const a of [
    '127.0.0.1',
    '127.9.9.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.170.2',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    'not-an-ip',
  ]) {
    assert.equal(isPublicAddress(a), false, a);
  }
});

test('a server refuses loopback, private and metadata targets in every spelling, with one message, without a request', async () => {
  const before = secretHits;
  const targets = [
    `http://127.0.0.1:${port}/a.srt`,
    `http://localhost:${port}/a.srt`,
    `http://2130706433:${port}/a.srt`,
    `http://0x7f000001:${port}/a.srt`,
    `http://0.0.0.0:${port}/a.srt`,
    `http://[::1]:${port}/a.srt`,
    `http://[::ffff:127.0.0.1]:${port}/a.srt`,
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.170.2/v2/credentials',
    `http://127.0.0.1:1/closed`,
  ];
  for (const url of targets) {
    const file = dest();
    await assert.rejects(downloadToFile(url, file), (err: Error) => (assert.equal(err.name, 'InputError'), assert.match(err.message, UNREACHABLE, url), true));
    assert.equal(existsSync(file), false);
  }
  assert.equal(secretHits, before, 'nothing was reached');
});

test('a refused address and a closed port read the same: no port scanning through error messages', async () => {
  const onlyFirstLoopback: DownloadLimits = { ...DEFAULT_DOWNLOAD_LIMITS, addresses: (ip) => ip === '127.0.0.1' };
  const closed = await downloadToFile('http://127.0.0.1:1/x', dest(), onlyFirstLoopback).catch((e: Error) => e.message.replace(/could not download \S+/, ''));
  const refused = await downloadToFile(`http://127.0.0.2:${port}/x`, dest(), onlyFirstLoopback).catch((e: Error) =>
    e.message.replace(/could not download \S+/, ''),
  );
  assert.equal(closed, refused);
});

test('each redirect is checked again: a permitted server cannot bounce the fetch into a refused address', async () => {
  const before = secretHits;
  const limits: DownloadLimits = { ...DEFAULT_DOWNLOAD_LIMITS, addresses: (ip) => ip === '127.0.0.1' };
  await assert.rejects(downloadToFile(`http://127.0.0.1:${redirectorPort}/captions.srt`, dest(), limits), { message: UNREACHABLE });
  assert.equal(secretHits, before, 'the redirect target was never contacted');
  await assert.rejects(downloadToFile(`http://127.0.0.1:${redirectorPort}/hops/0`, dest(), limits), { message: /more than 5 redirects/ });
});

test('a peer that stalls or cuts the body short fails the download and leaves no file', async () => {
  const mine: DownloadLimits = { ...DEFAULT_DOWNLOAD_LIMITS, addresses: 'any', stallMs: 500 };
  const stalled = dest();
  const t0 = Date.now();
  await assert.rejects(downloadToFile(`http://127.0.0.1:${redirectorPort}/stall`, stalled, mine), { message: /stalled: less than 256 bytes a second/ });
  const trickled = dest();
  await assert.rejects(
    downloadToFile(`http://127.0.0.1:${redirectorPort}/trickle`, trickled, mine),
    { message: /stalled: less than 256 bytes a second/ },
    'a byte now and then is no download',
  );
  assert.equal(existsSync(trickled), false);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(existsSync(stalled), false);
  const short = dest();
  await assert.rejects(downloadToFile(`http://127.0.0.1:${redirectorPort}/short`, short, mine), { message: /cut short \(500 of 1000 bytes\)|failed/ });
  assert.equal(existsSync(short), false);
});

test("the local user's own command may fetch from this machine", async () => {
  const file = dest();
  await downloadToFile(`http://localhost:${port}/a.srt`, file, { ...DEFAULT_DOWNLOAD_LIMITS, addresses: 'any' });
  assert.ok(existsSync(file));
});
