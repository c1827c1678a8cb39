// Runs a subprocess and never loses why it failed: exit code, signal and the stderr tail.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { ProcessError } from '../core/errors.ts';
import { tiedToParent } from './childLifetime.ts';

export const STDERR_TAIL_CHARS = 2000;

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Collect stdout into the result (off for chatty tools). */
  captureStdout?: boolean;
  /** Stdout kept at most this long: past it the process is stopped and OutputTooLarge thrown (a reply someone else wrote). */
  maxStdoutBytes?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * Run below normal priority (nice 10): heavy encodes then never starve the process that
   * started them (the serve API answers promptly while renders run), and still use idle CPU fully.
   */
  background?: boolean;
}

/** A process wrote more than its maxStdoutBytes (it was stopped). */
export class OutputTooLarge extends Error {
  override name = 'OutputTooLarge';
}

export interface RunResult {
  stdout: string;
  stderrTail: string;
}

export function runProcess(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const tied = tiedToParent(command, args);
    const child = spawn(tied.command, tied.args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    if (opts.background && child.pid) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // not permitted here: run at normal priority
      }
    }
    let stdout = '';
    let stderrTail = '';
    let outBuf = '';
    let errBuf = '';
    let timedOut = false;
    const lines = (buf: string, chunk: string, fn?: (l: string) => void): string => {
      const all = buf + chunk;
      const parts = all.split('\n');
      const rest = parts.pop() ?? '';
      if (fn) for (const p of parts) fn(p);
      return rest;
    };
    let tooLarge = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (opts.captureStdout !== false) stdout += chunk;
      if (opts.maxStdoutBytes !== undefined && stdout.length > opts.maxStdoutBytes && !tooLarge) {
        tooLarge = true;
        stdout = '';
        kill();
      }
      outBuf = lines(outBuf, chunk, opts.onStdoutLine);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      errBuf = lines(errBuf, chunk, opts.onStderrLine);
    });
    const kill = () => child.kill('SIGKILL');
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, opts.timeoutMs)
      : undefined;
    opts.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ENOENT' ? `${command} was not found (is it installed and on PATH?)` : err.message;
      reject(new ProcessError(command, null, null, why));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      if (tooLarge) return reject(new OutputTooLarge(`${command.split('/').pop()} wrote more than ${opts.maxStdoutBytes} bytes`));
      if (code === 0) return resolve({ stdout, stderrTail });
      // setpriv could not start the command: as if spawn had failed.
      if (code === 127 && /^setpriv: failed to execute/m.test(stderrTail)) {
        return reject(
          new ProcessError(
            command,
            null,
            null,
            /No such file/.test(stderrTail) ? `${command} was not found (is it installed and on PATH?)` : stderrTail.trim(),
          ),
        );
      }
      const tail = timedOut ? `timed out after ${opts.timeoutMs} ms\n${stderrTail}` : stderrTail;
      reject(new ProcessError(command.split('/').pop() ?? command, code, signal, tail));
    });
  });
}
