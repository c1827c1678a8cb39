// At most `perMinute` request starts in any 60 s and `concurrent` in flight, shared by every job
// in the process (one limiter per API endpoint). Waiters are served in arrival order.
export interface RateLimit {
  perMinute: number;
  concurrent: number;
}

/** Runs a request when the limit allows it (RateLimiter here; a relay to serve's in a job's process). */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export class RateLimiter implements Limiter {
  private readonly starts: number[] = [];
  private inFlight = 0;
  private readonly queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      this.pump();
    }
  }

  /** Requests started in the current window and in flight, for tests and logs. */
  get state(): { inFlight: number; startedInWindow: number; waiting: number } {
    this.expire();
    return { inFlight: this.inFlight, startedInWindow: this.starts.length, waiting: this.queue.length };
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.starts.length && this.starts[0]! <= cutoff) this.starts.shift();
  }

  private pump(): void {
    this.expire();
    while (this.queue.length && this.inFlight < this.limit.concurrent && this.starts.length < this.limit.perMinute) {
      this.inFlight += 1;
      this.starts.push(this.now());
      this.queue.shift()!();
    }
    if (this.queue.length && this.starts.length >= this.limit.perMinute && !this.timer) {
      // Wake when the oldest start leaves the window.
      const wait = Math.max(1, this.starts[0]! + this.windowMs - this.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }
}
