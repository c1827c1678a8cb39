// A zod failure said as one line, the same way wherever input is checked.
import type { z } from 'zod';

/** "path: message; …" (`prefix` names each path, e.g. "--" for CLI flags; `whole` a failure of the whole value). */
export function issuesText(error: z.ZodError, prefix = '', whole = 'body'): string {
  return error.issues.map((i) => (i.path.length ? `${prefix}${i.path.join('.')}: ${i.message}` : `${whole}: ${i.message}`)).join('; ');
}
