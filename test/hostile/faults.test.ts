// Faults a user meets: a broken or missing FFmpeg, an output folder that holds the input, an
// empty input. Each is said in words, is not called bad input when it is not, and loses nothing.
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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
  assert.equal((await fetch(`${third.url}/healthz`)).status, 200, 'a dead holder\'s lock is taken over');
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
