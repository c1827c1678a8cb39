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

test('processes that open a fresh cache file at the same moment all get it (jobs on serve each open it from their own process)', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'cache-race-')), 'cache.db');
  const script = join(tmpdir(), `cache-race-${process.pid}.mjs`);
  const module = new URL('../../src/adapters/cache/sqliteTranscriptCache.ts', import.meta.url).href;
  await writeFile(
    script,
    `const { SqliteTranscriptCache } = await import(${JSON.stringify(module)});
     const cache = new SqliteTranscriptCache(process.argv[2]);
     await cache.claim('k' + process.pid, 'owner', 60);
     cache.close();`,
  );
  // Twelve at once, several times: each opens the file, switches it to WAL and writes.
  for (let round = 0; round < 3; round++) {
    const runs = Array.from({ length: 12 }, () => {
      const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--import', 'tsx', script, `${file}.${round}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      return new Promise<string>((resolve) => child.once('close', (code) => resolve(code === 0 ? '' : (/Error[^\n]*/.exec(err)?.[0] ?? err.slice(0, 300)))));
    });
    assert.deepEqual((await Promise.all(runs)).filter(Boolean), [], `round ${round}`);
  }
});
