// Retries what is worth retrying (429, 5xx, connection failures and timeouts) with exponential
// backoff and full jitter, waiting at least what the server's Retry-After asks. Each attempt goes
// through the shared rate limiter, so retries count against the limit like any request. The SDK's
// own retries are off (maxRetries 0): they would bypass the limiter.
import { APIConnectionError, APIError } from 'openai';
import type { Limiter } from './rateLimiter.ts';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1000, maxMs: 60_000 };

export function isRetryable(err: unknown): boolean {
  if (err instanceof APIConnectionError) return true; // includes timeouts
  return err instanceof APIError && (err.status === 429 || err.status === 408 || err.status === 409 || (err.status ?? 0) >= 500);
}

/** Milliseconds the server asked us to wait (retry-after-ms, or retry-after in seconds or as a date). */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  if (!(err instanceof APIError) || !err.headers) return undefined;
  const ms = Number(err.headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = err.headers.get('retry-after');
  if (!raw) return undefined;
  const sec = Number(raw);
  if (Number.isFinite(sec)) return Math.max(0, sec * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export function describe(err: unknown): string {
  if (err instanceof APIError) return `HTTP ${err.status ?? '?'}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export async function withRetries<T>(
  what: string,
  limiter: Limiter,
  fn: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry?: (attempt: number, waitMs: number, err: unknown) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await limiter.run(fn);
    } catch (err) {
      if (!isRetryable(err) || attempt >= policy.attempts) {
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        throw new Error(`${what} failed${tries}: ${describe(err)}`, { cause: err });
      }
      const backoff = Math.random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      const wait = Math.max(backoff, retryAfterMs(err) ?? 0);
      onRetry?.(attempt, wait, err);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
