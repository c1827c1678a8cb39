// The local transcript cache's leases: held by a live process they hold; a holder that died
// (a killed server) frees them at once instead of after the lease time. And its keys: by audio,
// and for page videos by the video too.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CachingTranscriber } from '../../src/adapters/cache/cachingTranscriber.ts';
import { SqliteTranscriptCache } from '../../src/adapters/cache/sqliteTranscriptCache.ts';
import { UsageMeter } from '../../src/core/usage.ts';

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

test('a page video is transcribed once per video: a second job with other audio bytes of the same video is served from the cache', async () => {
  const cache = new SqliteTranscriptCache(join(await mkdtemp(join(tmpdir(), 'bysource-')), 'cache.db'));
  let calls = 0;
  const inner = {
    name: 'fake',
    model: 'm1',
    transcribe: async () => (calls++, { provider: 'fake', model: 'm1', audioSeconds: 3, words: [{ w: 'hello', start: 0, end: 0.4 }] }),
  };
  const caching = new CachingTranscriber(inner, cache);
  const dir = await mkdtemp(join(tmpdir(), 'bysource-audio-'));
  const [a, b, c] = ['a.wav', 'b.wav', 'c.wav'].map((n) => join(dir, n));
  await writeFile(a!, 'the 720p download');
  await writeFile(b!, 'the 1080p download, other bytes');
  await writeFile(c!, 'another video altogether');
  const first = await caching.transcribe(a!, { sourceId: 'youtube:abc123def45' });
  const meter = new UsageMeter();
  const second = await caching.transcribe(b!, { sourceId: 'youtube:abc123def45', meter });
  assert.equal(calls, 1, 'one transcription for the video');
  assert.deepEqual(second, first);
  assert.equal(meter.snapshot().cacheHits, 1);
  await caching.transcribe(c!, { sourceId: 'youtube:zzz999' });
  assert.equal(calls, 2, 'another video is transcribed');
  await caching.transcribe(a!);
  assert.equal(calls, 2, 'and the audio key still serves a file job of the same bytes');
  cache.close();
});
