// Small shared helpers that several modules need exactly the same way.
import type { z } from 'zod';

/** Milliseconds precision: times and scores as the manifest, captions and crop paths keep them. */
export const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** A zod failure as one line: "path: message; …" (`prefix` names each path, e.g. "--" or "options."). */
export function issuesText(error: z.ZodError, prefix = '', whole = 'body'): string {
  return error.issues.map((i) => (i.path.length ? `${prefix}${i.path.join('.')}: ${i.message}` : `${whole}: ${i.message}`)).join('; ');
}
