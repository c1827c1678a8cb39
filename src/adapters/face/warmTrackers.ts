// Warm `python -m facetrack --serve` processes: MediaPipe's load (about a second) is paid once per
// process instead of once per clip. One request at a time per process; up to `size` processes.
// A process that dies or times out fails its request with a ProcessError (exit code, signal,
// stderr tail) and is replaced on the next request; idle processes exit after `idleMs`.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { ProcessError } from '../../core/errors.ts';
import { STDERR_TAIL_CHARS } from '../../media/runProcess.ts';
import { tiedToParent } from '../../media/childLifetime.ts';

export interface WarmTrackerOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  size: number;
  idleMs: number;
}

interface Pending {
  resolve: (line: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  private stderrTail = '';
  private outBuf = '';
  private pending: Pending | undefined;
  private timedOutAfter: number | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  dead = false;
  reserved = false;

  constructor(
    private readonly opts: WarmTrackerOptions,
    private readonly onDead: (w: Worker) => void,
  ) {
    const tied = tiedToParent(opts.command, [...opts.args, '--serve']);
    this.child = spawn(tied.command, tied.args, { env: opts.env, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (this.outBuf + chunk).split('\n');
      this.outBuf = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.settle((p) => p.resolve(line));
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.child.stdin.on('error', () => undefined); // a dead process's EPIPE surfaces through 'close'
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `${opts.command} was not found` : err.message;
      this.die(new ProcessError(opts.command, null, null, why));
    });
    this.child.on('close', (code, signal) => {
      const tail = this.timedOutAfter ? `timed out after ${this.timedOutAfter} ms\n${this.stderrTail}` : this.stderrTail;
      this.die(new ProcessError(opts.command.split('/').pop() ?? opts.command, code, signal, tail));
    });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request(body: object, timeoutMs: number): Promise<string> {
    clearTimeout(this.idleTimer);
    this.hold(true);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timedOutAfter = timeoutMs;
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
      this.child.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  /** Exits on its own when unused for idleMs, so a finished CLI run is not kept alive. */
  idle(): void {
    this.hold(false);
    this.idleTimer = setTimeout(() => this.close(), this.opts.idleMs);
    this.idleTimer.unref();
  }

  close(): void {
    clearTimeout(this.idleTimer);
    if (!this.dead) this.child.stdin.end();
  }

  /** An idle process must not keep Node running; a busy one must. */
  private hold(on: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Array<{ ref(): void; unref(): void }>;
    for (const h of handles)
      if (on) h.ref();
      else h.unref();
  }

  private settle(fn: (p: Pending) => void): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    fn(p);
  }

  private die(err: ProcessError): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.idleTimer);
    this.settle((p) => p.reject(err));
    this.onDead(this);
  }
}

export class WarmTrackers {
  private readonly workers = new Set<Worker>();
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly opts: WarmTrackerOptions) {}

  /** Sends one request line and resolves with the one reply line. */
  async request(body: object, timeoutMs: number): Promise<string> {
    const worker = await this.acquire();
    try {
      return await worker.request(body, timeoutMs);
    } finally {
      this.release(worker);
    }
  }

  /** Pids of processes working on a request now. */
  busyPids(): number[] {
    return [...this.workers].filter((w) => w.busy && w.pid !== undefined).map((w) => w.pid!);
  }

  /** Pids of all live processes. */
  pids(): number[] {
    return [...this.workers].filter((w) => w.pid !== undefined).map((w) => w.pid!);
  }

  close(): void {
    for (const w of this.workers) w.close();
  }

  private async acquire(): Promise<Worker> {
    for (;;) {
      const idle = [...this.workers].find((w) => !w.busy && !w.dead && !w.reserved);
      if (idle) return this.reserve(idle);
      if (this.workers.size < this.opts.size) {
        const w = new Worker(this.opts, (dead) => {
          this.workers.delete(dead);
          this.waiting.shift()?.();
        });
        this.workers.add(w);
        return this.reserve(w);
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private reserve(w: Worker): Worker {
    w.reserved = true;
    return w;
  }

  private release(w: Worker): void {
    w.reserved = false;
    if (!w.dead) w.idle();
    this.waiting.shift()?.();
  }
}
