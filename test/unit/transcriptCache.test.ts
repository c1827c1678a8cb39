// The local transcript cache's leases: held by a live process they hold; a holder that died
// (a killed server) frees them at once instead of after the lease time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteTranscriptCache } from '../../src/adapters/cache/sqliteTranscriptCache.ts';

test("a dead holder's lease is free at once; a live holder's is not", async () => {
  const cache = new SqliteTranscriptCache(join(await mkdtemp(join(tmpdir(), 'lease-')), 'cache.db'));
  const live = spawn('sleep', ['30']);
  const dead = spawn('true');
  await new Promise((r) => dead.once('exit', r));
  try {
    assert.equal(await cache.claim('a', `${hostname()}:${live.pid}:x`, 300), true);
    assert.equal(await cache.claim('a', `${hostname()}:${process.pid}:me`, 300), false, 'the live holder keeps it');
    assert.equal(await cache.claim('b', `${hostname()}:${dead.pid}:x`, 300), true);
    assert.equal(await cache.claim('b', `${hostname()}:${process.pid}:me`, 300), true, 'the dead holder loses it');
    assert.equal(await cache.claim('c', `elsewhere:${dead.pid}:x`, 300), true);
    assert.equal(await cache.claim('c', `${hostname()}:${process.pid}:me`, 300), false, 'another host is not judged by our pids');
  } finally {
    live.kill();
    cache.close();
  }
});
