// POST /jobs takes an Idempotency-Key header (the IETF httpapi draft): a client that retries a
// request it is unsure about gets the job the first attempt made, not a second job. The same
// key with a different request is refused (422); a key is remembered for a day.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from './apiError.ts';

export const IDEMPOTENCY_TTL_SEC = 24 * 3600;

const KeySchema = z.string().regex(/^[\w.:-]{1,100}$/);

/** The header's value, checked; undefined when the client sent none. */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KeySchema.safeParse(header).success) throw new ApiError(400, 'Idempotency-Key must be 1 to 100 letters, digits or . _ : -');
  return header;
}

/** The same request, whatever the order of its fields. */
export function requestFingerprint(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(sorted(value)))
    .digest('hex');
}

export const reusedKey = (key: string) => new ApiError(422, `Idempotency-Key ${key} was already used for a different request`);
