import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskStorage } from '../../src/adapters/local/diskStorage.ts';
import { makeWorkFolder, sweepStaleWork } from '../../src/runtime/local/sweeper.ts';

const fresh = () => mkdtemp(join(tmpdir(), 'clipforge-storage-'));

test('a failed write leaves neither the file nor its temporary', async () => {
  const root = await fresh();
  const store = new DiskStorage(root);
  await assert.rejects(
    store.writeFile('out/clip-1.mp4', async (tmp) => {
      await writeFile(tmp, 'half a video');
      throw new Error('encoder died');
    }),
    /encoder died/,
  );
  assert.deepEqual(await readdir(join(root, 'out')), []);
});

test('a write publishes under the final name only when complete', async () => {
  const root = await fresh();
  const store = new DiskStorage(root);
  let seenDuringWrite: string[] = [];
  await store.writeFile('clip.mp4', async (tmp) => {
    await writeFile(tmp, 'data');
    seenDuringWrite = await readdir(root);
  });
  assert.ok(!seenDuringWrite.includes('clip.mp4'), 'final name absent while writing');
  assert.ok(seenDuringWrite.every((n) => n.startsWith('.clip.mp4.partial-')));
  assert.deepEqual(await readdir(root), ['clip.mp4']);
  assert.equal(await store.readText('clip.mp4'), 'data');
});

test('leftover temporaries of a killed write are removed by the next write of that file', async () => {
  const root = await fresh();
  await writeFile(join(root, '.clip.mp4.partial-dead.mp4'), 'junk');
  await new DiskStorage(root).writeText('clip.mp4', 'ok');
  assert.deepEqual(await readdir(root), ['clip.mp4']);
});

test('keys cannot escape the storage folder', async () => {
  const store = new DiskStorage(await fresh());
  await assert.rejects(store.writeText('../escape.txt', 'x'), /escapes/);
});

test('the sweeper removes job work folders untouched for 30 minutes and keeps fresh ones', async () => {
  const root = await fresh();
  const store = new DiskStorage(root);
  for (const job of ['old-job', 'new-job']) await makeWorkFolder(join(root, job));
  await store.writeText('old-job/speech.wav', 'x');
  await store.writeText('new-job/speech.wav', 'x');
  const hourAgo = new Date(Date.now() - 3600_000);
  await utimes(join(root, 'old-job'), hourAgo, hourAgo);
  assert.deepEqual(await sweepStaleWork(root), ['old-job']);
  assert.deepEqual(await readdir(root), ['new-job']);
});

test("the sweeper never removes what a job did not make, however old (a work folder shared with the user's files)", async () => {
  const root = await fresh();
  await writeFile(join(root, 'notes.txt'), 'mine');
  await mkdir(join(root, 'project'), { recursive: true });
  await writeFile(join(root, 'project', 'plan.md'), 'mine too');
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const p of ['notes.txt', 'project']) await utimes(join(root, p), hourAgo, hourAgo);
  assert.deepEqual(await sweepStaleWork(root), []);
  assert.deepEqual((await readdir(root)).sort(), ['notes.txt', 'project']);
});
