// Every Lambda and task reads its settings once, at start, through its own schema: a missing or
// bad variable stops it at once with the variable's name (not a request later, with '' as a
// table name).
import type { z } from 'zod';
import { issuesText } from '../core/zodIssues.ts';

export function readEnv<T extends z.ZodType>(schema: T, what: string, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`clipforge ${what} misconfigured: ${issuesText(parsed.error, '', 'environment')}`);
  return parsed.data;
}
