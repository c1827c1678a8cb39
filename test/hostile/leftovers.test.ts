// Nothing runs on after the process that owns it: a SIGKILLed serve takes its jobs' processes and
// their FFmpeg and speech processes with it (they would compete with the restarted job), and a serve whose starter is gone
// (npx or a shell killed) stops instead of holding its port with no one to stop it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { shortTalk } from '../helpers/media.ts';
import { call } from '../helpers/serveClient.ts';
import { serveProcess } from '../helpers/serveProcess.ts';

/** Pids under `pid` (children, theirs, and so on), with their command lines. */
function descendantsOf(pid: number): Array<{ pid: number; cmd: string }> {
  const parents = new Map<number, number>();
  const cmds = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmds.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // gone meanwhile
    }
  }
  const under = (p: number): boolean => {
    for (let up = parents.get(p); up !== undefined && up > 1; up = parents.get(up)) if (up === pid) return true;
    return false;
  };
  return [...parents.keys()].filter(under).map((p) => ({ pid: p, cmd: cmds.get(p) ?? '' }));
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a SIGKILLed serve leaves no job process, FFmpeg or speech process running', async () => {
  // A cold transcript cache of its own: the speech process must run.
  const srv = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-orphans-')), [], { CLIPFORGE_CACHE_DIR: await mkdtemp(join(tmpdir(), 'cf-orphans-cache-')) });
  const created = await call(srv.url, 'POST', '/jobs', { source: { path: await shortTalk() }, options: { clips: 1, minSec: 10, maxSec: 30 } });
  assert.equal(created.status, 202);
  let kids: Array<{ pid: number; cmd: string }> = [];
  // The speech process writes nothing until it is done, so a dead parent's closed pipes do not end it: only the tie does.
  for (let i = 0; i < 1200 && !kids.some((k) => /whisper_words/.test(k.cmd)); i++) {
    await new Promise((r) => setTimeout(r, 50));
    kids = descendantsOf(srv.child.pid!);
  }
  // The speech process runs under the job's own process (src/runtime/local/jobProcess.ts): both must go.
  const workers = kids.filter((k) => /whisper_words|jobChild/.test(k.cmd));
  assert.ok(
    workers.some((k) => /jobChild/.test(k.cmd)),
    `the job runs in a process of its own: ${kids.map((k) => k.cmd).join(' | ')}`,
  );
  assert.ok(workers.length > 0, `the job started a worker process: ${kids.map((k) => k.cmd).join(' | ')}`);
  srv.child.kill('SIGKILL');
  await new Promise((r) => srv.child.once('exit', r));
  for (let i = 0; i < 40 && workers.some((w) => alive(w.pid)); i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    workers.filter((w) => alive(w.pid)).map((w) => w.cmd),
    [],
    'every worker died with the server',
  );
});

test('a serve whose starter is killed stops by itself and frees its port', async () => {
  const data = await mkdtemp(join(tmpdir(), 'cf-parent-'));
  // A shell between, as npx or a terminal would be; "; true" keeps it from exec-ing node.
  const shell = spawn('sh', ['-c', `'${process.execPath}' '${join(PROJECT_ROOT, 'bin', 'clipforge.js')}' serve --port 0 --data '${data}'; true`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    shell.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    shell.on('exit', () => reject(new Error(out)));
  });
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  shell.kill('SIGKILL');
  let up = true;
  for (let i = 0; i < 100 && up; i++) {
    await new Promise((r) => setTimeout(r, 100));
    up = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
  }
  assert.equal(up, false, 'the orphaned server stopped');
});
