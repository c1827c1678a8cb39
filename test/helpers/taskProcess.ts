// The Fargate task entry point as a process: bundled as the images bundle it, run with only the
// environment given (as a container gets), from the project root.
import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node ARGS` in the project root with PATH, HOME and `env` only. */
export function runNode(args: string[], env: Record<string, string>): Promise<Finished> {
  return collect(
    spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** What a child printed (the last 20,000 characters of each stream) and how it ended. */
function collect(child: ChildProcessByStdio<null, Readable, Readable>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run bundle:task`: dist/task/main.mjs. */
export async function bundleTask(): Promise<void> {
  const res = await runNode(['scripts/bundle-task.mjs'], {});
  assert.equal(res.code, 0, res.stderr);
}

/** The task as Fargate starts it: the task definition's command and the container's environment. */
export const runTask = (stage: string, env: Record<string, string>) => runNode(['dist/task/main.mjs', stage], env);

/** The image a task definition runs (containers/build-images.sh tags them so). */
export const taskImage = (stage: string) => `localhost/clipforge-${stage}:test`;

/**
 * The task as Fargate starts it from its image (containers/build-images.sh): `podman run` of the
 * built image with the task definition's command and only `env`, on the host's network so the
 * emulator on loopback is reachable. `hosts`: names the task must resolve to loopback (the
 * emulator's virtual-hosted buckets, which real DNS would answer). Limits within this machine's
 * hard limits (runc refuses to raise them; podman's default nproc is above them).
 */
export function runTaskImage(stage: string, env: Record<string, string>, hosts: string[] = []): Promise<Finished> {
  const args = [
    'run',
    '--rm',
    '--network=host',
    '--pull=never',
    '--ulimit',
    'nofile=4096:4096',
    '--ulimit',
    'nproc=4096:4096',
    ...hosts.flatMap((h) => ['--add-host', `${h}:127.0.0.1`]),
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    taskImage(stage),
    stage,
  ];
  return collect(spawn('podman', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
}
