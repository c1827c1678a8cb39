// A job's ZIP is streamed: 240 MB of clip files go through with the process's memory flat (each
// file read as the archive reaches it), and the archive holds every file whole.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { zipStream } from '../../src/jobs/clipsZip.ts';
import { zipListing } from '../helpers/zipListing.ts';

const FILES = 8;
const FILE_MB = 30;

test('a ZIP of 240 MB of clips streams with flat memory and holds every file whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zip-flat-'));
  try {
    const files: Array<{ name: string; path: string; sha: string }> = [];
    for (let i = 1; i <= FILES; i++) {
      const path = join(dir, `clip-${i}.mp4`);
      const hash = createHash('sha256');
      const out = createWriteStream(path);
      for (let mb = 0; mb < FILE_MB; mb++) {
        const chunk = randomBytes(1024 * 1024);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((r) => out.end(r));
      files.push({ name: `clip-${i}.mp4`, path, sha: hash.digest('hex') });
    }
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const zipPath = join(dir, 'all.zip');
    await pipeline(zipStream(files), createWriteStream(zipPath));
    clearInterval(sampler);
    const grewMb = (peak - base) / 1024 / 1024;
    assert.ok(grewMb < 60, `memory grew ${grewMb.toFixed(0)} MB while ${FILES * FILE_MB} MB went through`);
    const inZip = Object.fromEntries(Object.entries(zipListing(zipPath)).map(([name, e]) => [name, e.sha256]));
    assert.deepEqual(inZip, Object.fromEntries(files.map((f) => [f.name, f.sha])));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file that cannot be read ends the ZIP with the error, never a silently short archive', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zip-missing-'));
  try {
    const sink = createWriteStream(join(dir, 'out.zip'));
    await assert.rejects(pipeline(zipStream([{ name: 'clip-1.mp4', path: join(dir, 'gone.mp4') }]), sink), /ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
