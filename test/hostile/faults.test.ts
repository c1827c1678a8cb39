// Faults a user meets: a broken or missing FFmpeg, an output folder that holds the input, an
// empty input. Each is said in words, is not called bad input when it is not, and loses nothing.
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { runCli, shortTalk } from '../helpers/media.ts';
import { serveProcess } from '../helpers/serveProcess.ts';

test('a missing FFmpeg is said as such (exit 1), not as bad input and not as "exited with code null"', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'cf-fault-')), 'clips');
  const res = await runCli(['run', await shortTalk(), '--out', out], { CLIPFORGE_FFPROBE: '/nonexistent/ffprobe' });
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /ffprobe could not be started: .*was not found/);
  assert.doesNotMatch(res.stderr, /code null|not a media file/);
});

test('a broken FFmpeg install (exit 127, a missing shared library) is not bad input: exit 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cf-fault-'));
  const broken = join(dir, 'ffprobe');
  await writeFile(broken, '#!/bin/sh\necho "ffprobe: error while loading shared libraries: libavdevice.so.59: cannot open shared object file" >&2\nexit 127\n');
  await chmod(broken, 0o755);
  const res = await runCli(['run', await shortTalk(), '--out', join(dir, 'clips')], { CLIPFORGE_FFPROBE: broken });
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /error while loading shared libraries/);
  assert.doesNotMatch(res.stderr, /not a media file|bad input/);
});

test('a run whose outputs would replace its own input is refused before anything is written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cf-fault-'));
  const input = join(dir, 'clip-1.mp4');
  await copyFile(await shortTalk(), input);
  const before = await readFile(input);
  const res = await runCli(['run', input, '--out', dir]);
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /clip-1\.mp4 would be overwritten .* choose another --out folder/);
  assert.ok((await readFile(input)).equals(before), 'the input is untouched');
});

test('an empty input is a usage error in words, not a stack trace', async () => {
  const res = await runCli(['run', '']);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /the input is empty/);
  assert.doesNotMatch(res.stderr, /at .*\.ts:\d+|ZodError/);
});

test('one serve per data folder: a second one is refused in words while the first runs, and starts once it is gone', async () => {
  const data = await mkdtemp(join(tmpdir(), 'cf-lock-'));
  const first = await serveProcess(data);
  const second = await runCli(['serve', '--port', '0', '--data', data]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`another clipforge serve \\(pid ${first.child.pid}\\) is using the data folder`));
  first.child.kill('SIGKILL'); // its lock file stays behind
  await new Promise((r) => first.child.once('exit', r));
  const third = await serveProcess(data);
  assert.equal((await fetch(`${third.url}/healthz`)).status, 200, "a dead holder's lock is taken over");
  await third.stop();
});

test('start-up faults are said in words, without a stack trace: a busy port, --data that is a file, a corrupt job store', async () => {
  const data = await mkdtemp(join(tmpdir(), 'cf-start-'));
  const running = await serveProcess(data);
  const busy = await runCli(['serve', '--port', new URL(running.url).port, '--data', await mkdtemp(join(tmpdir(), 'cf-start-'))]);
  await running.stop();
  assert.equal(busy.code, 2);
  assert.match(busy.stderr, /port \d+ on 127\.0\.0\.1 is already in use/);
  const file = join(data, 'not-a-folder');
  await writeFile(file, 'x');
  const notDir = await runCli(['serve', '--port', '0', '--data', file]);
  assert.equal(notDir.code, 2);
  assert.match(notDir.stderr, /--data .*not-a-folder is not a folder/);
  const corrupt = await mkdtemp(join(tmpdir(), 'cf-start-'));
  await writeFile(join(corrupt, 'clipforge.db'), 'this is not a database '.repeat(200));
  const bad = await runCli(['serve', '--port', '0', '--data', corrupt]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /the job store in --data .* cannot be opened/);
  for (const r of [busy, notDir, bad]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

/** Runs `script` (sh) in a private mount namespace where `dir` is a tmpfs of `size`: a real full disk. */
function onSmallDisk(dir: string, size: string, script: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=${size} tmpfs '${dir}' && ${script}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('a full disk under --out: the run fails saying the disk is full, and leaves no clip without its manifest', async () => {
  const out = await mkdtemp(join(tmpdir(), 'cf-full-'));
  const talk = await shortTalk();
  const cli = `'${process.execPath}' '${join(PROJECT_ROOT, 'bin', 'clipforge.js')}'`;
  const res = await onSmallDisk(
    out,
    '600k',
    `${cli} run '${talk}' --out '${out}' --clips 2 --min-sec 10 --max-sec 20; echo "exit=$?"; echo "left:"; ls -A '${out}'`,
  );
  const exit = Number(/exit=(\d+)/.exec(res.out)?.[1]);
  assert.equal(exit, 1, res.out);
  assert.match(res.out, /clipforge: the disk is full/);
  assert.equal(res.out.split('left:')[1]!.trim(), '', 'nothing left in --out');
});

test("a full disk under serve's data folder fails the job with the reason and never the server", async () => {
  const data = await mkdtemp(join(tmpdir(), 'cf-full-serve-'));
  const talk = await shortTalk();
  const script = [
    `'${process.execPath}' '${join(PROJECT_ROOT, 'bin', 'clipforge.js')}' serve --port 0 --data '${data}' > '${data}.log' 2>&1 &`,
    'pid=$!',
    `for i in $(seq 100); do grep -q 'serving on' '${data}.log' && break; sleep 0.1; done`,
    `url=$(grep -o 'http://[0-9.:]*' '${data}.log' | head -1)`,
    `id=$(curl -s -X POST -H 'content-type: application/json' -d '{"source":{"path":"${talk}"},"options":{"clips":1,"minSec":10,"maxSec":20}}' "$url/jobs" | sed 's/.*"jobId":"\\([^"]*\\)".*/\\1/')`,
    `for i in $(seq 600); do s=$(curl -s "$url/jobs/$id"); echo "$s" | grep -q '"status":"failed"' && break; sleep 0.2; done`,
    'echo "JOB:$s"',
    'echo "HEALTH:$(curl -s -o /dev/null -w "%{http_code}" "$url/healthz")"',
    'kill -0 $pid && echo ALIVE',
    'kill $pid; wait $pid',
  ].join('\n');
  const res = await onSmallDisk(data, '700k', script);
  assert.match(res.out, /JOB:.*"status":"failed"/, res.out);
  assert.match(res.out, /JOB:.*the disk is full|JOB:.*No space left|JOB:.*disk is full/, res.out);
  assert.match(res.out, /ALIVE/, 'the server survived');
  assert.match(res.out, /HEALTH:(200|503)/);
});
