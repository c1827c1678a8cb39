// Every kind of unusable input: a clear message, exit code 2, nothing in the output folder.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cached, ffmpeg, runCli, truncatedCopy } from '../helpers/media.ts';

const LAVFI_AV = ['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-f', 'lavfi', '-i', 'sine=f=300:r=44100'];

const tenSeconds = (faststart: boolean) =>
  cached(`ten-seconds-${faststart ? 'fast' : 'plain'}.mp4`, (p) =>
    ffmpeg([...LAVFI_AV, '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', ...(faststart ? ['-movflags', '+faststart'] : []), p]),
  );

const CASES: Array<{ name: string; make: () => Promise<string>; args?: string[]; message: RegExp }> = [
  { name: 'missing file', make: async () => '/nonexistent/talk.mp4', message: /input file not found: \/nonexistent\/talk\.mp4/ },
  {
    name: 'empty file',
    make: async () => {
      const p = join(await mkdtemp(join(tmpdir(), 'clipforge-bad-')), 'empty.mp4');
      await writeFile(p, '');
      return p;
    },
    message: /is empty \(0 bytes\)/,
  },
  {
    name: 'not a media file',
    make: async () => {
      const p = join(await mkdtemp(join(tmpdir(), 'clipforge-bad-')), 'notes.mp4');
      await writeFile(p, 'These are my meeting notes, not a video.\n'.repeat(50));
      return p;
    },
    message: /is not a media file FFmpeg can read/,
  },
  {
    name: 'no audio stream',
    make: () =>
      cached('video-only.mp4', (p) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', p])),
    message: /has no audio stream/,
  },
  {
    name: 'no video stream',
    make: () => cached('audio-only.m4a', (p) => ffmpeg(['-f', 'lavfi', '-i', 'sine=f=300', '-t', '3', '-c:a', 'aac', p])),
    message: /has no video stream/,
  },
  {
    name: 'zero length',
    make: () => cached('zero-length.mp4', (p) => ffmpeg([...LAVFI_AV, '-t', '0', '-c:v', 'libx264', '-c:a', 'aac', p])),
    message: /has zero length \(duration 0\.00 s\)/,
  },
  { name: 'truncated (index at the end)', make: async () => truncatedCopy(await tenSeconds(false), 0.6), message: /truncated or corrupt/ },
  { name: 'truncated (index at the front)', make: async () => truncatedCopy(await tenSeconds(true), 0.4), message: /truncated or corrupt/ },
  { name: 'longer than the cap', make: () => tenSeconds(true), args: ['--max-duration', '5'], message: /is 10s long, over the 5s cap/ },
  { name: 'a still image', make: async () => '/usr/share/doc/opencv-doc/examples/data/messi5.jpg', message: /is a still image, not a video/ },
  {
    name: 'one video frame under long audio (a cover image)',
    make: () =>
      cached('one-frame-cover-v2.mp4', async (p) => {
        const frame = `${p}.frame.mp4`;
        await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-frames:v', '1', '-c:v', 'libx264', frame]);
        await ffmpeg(['-i', frame, '-f', 'lavfi', '-t', '12', '-i', 'sine=f=300', '-c:v', 'copy', '-c:a', 'aac', p]);
      }),
    message: /has a single video frame \(a cover image over 12s of audio\)/,
  },
];

for (const c of CASES) {
  test(`bad input: ${c.name}`, async (t) => {
    const input = await c.make();
    if (c.name === 'a still image' && !existsSync(input)) return t.skip('opencv-doc is not installed');
    const out = join(await mkdtemp(join(tmpdir(), 'clipforge-bad-out-')), 'clips');
    const res = await runCli(['run', input, '--out', out, ...(c.args ?? [])]);
    assert.equal(res.code, 2, `exit code (stderr: ${res.stderr})`);
    assert.match(res.stderr, /\[failed\] 100% /, 'the last progress event says the job failed');
    assert.match(res.stderr, /clipforge: bad input: /);
    assert.match(res.stderr, c.message);
    assert.ok(!/\n\s+at /.test(res.stderr), 'no stack trace for bad input');
    assert.ok(!existsSync(out), 'nothing written to the output folder');
  });
}

test('bad input: a URL that answers 404, and one over the download cap', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/big.mp4') {
      res.writeHead(200, { 'content-length': String(20 * 1024 ** 3) });
      res.end();
    } else {
      res.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const out = join(await mkdtemp(join(tmpdir(), 'clipforge-bad-out-')), 'clips');
    const missing = await runCli(['run', `${base}/talk.mp4`, '--out', out]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /could not download .*talk\.mp4: HTTP 404/);
    const big = await runCli(['run', `${base}/big.mp4`, '--out', out]);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /over the \d+ MB download cap/);
    assert.ok(!existsSync(out));
  } finally {
    server.close();
  }
});

test('bad options: a clear usage error', async () => {
  const res = await runCli(['run', 'talk.mp4', '--clips', 'many']);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /--clips must be a number or "auto", got "many"/);
  const range = await runCli(['run', 'talk.mp4', '--min-sec', '50', '--max-sec', '40']);
  assert.equal(range.code, 2);
  assert.match(range.stderr, /--min-sec must be less than --max-sec/);
});

test('--out naming a file is a usage error said before any work (exit 2), and the file is left as it was', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cf-out-file-'));
  const notAFolder = join(dir, 'notes.txt');
  await writeFile(notAFolder, 'keep me');
  const res = await runCli(['run', '/usr/share/doc/opencv-doc/examples/data/messi5.jpg', '--out', notAFolder]);
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /--out .*notes\.txt is a file, not a folder/);
  assert.doesNotMatch(res.stderr, /\[ingest\]/, 'nothing ran');
});
