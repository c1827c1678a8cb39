// The real `clipforge serve` process (bin/clipforge.js, as a user starts it) on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

export function serveProcess(data: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'clipforge.js'), 'serve', '--port', '0', '--data', data, '--concurrency', '1', ...extraArgs],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Marks this server's processes: its jobs' processes inherit it (jobProcessesOf).
        env: { ...process.env, CF_TEST_SERVE_DATA: data, ...env },
      },
    );
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({
          child,
          url: m[1]!,
          output: () => out,
          stop: async () => {
            if (child.exitCode !== null) return;
            child.kill('SIGTERM');
            await new Promise((r) => child.once('exit', r));
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

/** The pids of the job processes (src/runtime/local/jobChild.ts) of the server on `data`, never another test's. */
export function jobProcessesOf(data: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return (
          readFileSync(`/proc/${e}/cmdline`, 'utf8').includes('jobChild.ts') &&
          readFileSync(`/proc/${e}/environ`, 'utf8').split('\0').includes(`CF_TEST_SERVE_DATA=${data}`)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}
