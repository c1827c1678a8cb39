// The Fargate task entry point as a process: bundled as the images bundle it, run with only the
// environment given (as a container gets), from the project root.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node ARGS` in the project root with PATH, HOME and `env` only. */
export function runNode(args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
