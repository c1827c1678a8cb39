// A render killed midway leaves no partial clip in sight, and running the job again succeeds cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { probe, runCli, shortTalk } from '../helpers/media.ts';

const ARGS = ['--clips', '1', '--min-sec', '20', '--max-sec', '30'];

/** Starts the CLI in its own process group and SIGKILLs the whole group once a render is underway. */
function runAndKillDuringRender(input: string, out: string, work: string): Promise<{ killed: boolean; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'clipforge.js'), 'run', input, '--out', out, ...ARGS], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CLIPFORGE_WORK_DIR: work },
    });
    let log = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      log += d;
      const m = /\[render\]\s+(\d+)%/g;
      const progress = [...log.matchAll(m)].map((x) => Number(x[1]));
      if (!killed && progress.some((p) => p >= 20 && p < 90)) {
        killed = true;
        process.kill(-child.pid!, 'SIGKILL');
      }
    });
    child.on('close', () => resolve({ killed, log }));
  });
}

test('a render killed midway leaves no partial output, and a retry completes cleanly', async () => {
  const talk = await shortTalk();
  const out = await mkdtemp(join(tmpdir(), 'clipforge-kill-'));
  const work = await mkdtemp(join(tmpdir(), 'clipforge-kill-work-'));

  const first = await runAndKillDuringRender(talk, out, work);
  assert.ok(first.killed, `the render was reached and killed:\n${first.log}`);
  const after = await readdir(out);
  assert.ok(!after.some((f) => /^clip-\d+\.mp4$/.test(f)), `no clip under its final name: ${after}`);
  assert.ok(!after.includes('clips.json'), 'no manifest for a job that did not finish');

  const retry = await runCli(['run', talk, '--out', out, ...ARGS], { CLIPFORGE_WORK_DIR: work });
  assert.equal(retry.code, 0, retry.stderr);
  const files = await readdir(out);
  assert.ok(files.includes('clips.json') && files.includes('clip-1.mp4'));
  assert.deepEqual(
    files.filter((f) => f.includes('.partial-')),
    [],
    'the killed run’s temporary was cleaned up',
  );
  const info = await probe(join(out, 'clip-1.mp4'));
  assert.equal(info.video?.height, 1920);
  assert.ok(!existsSync(join(out, 'clip-2.mp4')));
});
