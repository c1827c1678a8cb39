// The speech's language, one rule for every interface, runtime and engine: an ISO 639-1 code
// (what Whisper, local or OpenAI's, takes), or "auto" in job options (detect it).
import { z } from 'zod';

const WHAT = 'a two-letter ISO 639-1 code such as "en", "de" or "ja"';

export const LanguageCodeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2}$/, WHAT);

/** A job's `options.language`: a code, or auto. */
export const LanguageOptionSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(auto|[a-z]{2})$/, `${WHAT}, or "auto"`)
  .default('auto');

/** CLIPFORGE_LANGUAGE, the process's default when a job names none (else the speech is detected). */
export function spokenLanguage(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.CLIPFORGE_LANGUAGE?.trim()) return undefined;
  const code = LanguageCodeSchema.safeParse(env.CLIPFORGE_LANGUAGE);
  if (!code.success) throw new Error(`CLIPFORGE_LANGUAGE must be ${WHAT}, not "${env.CLIPFORGE_LANGUAGE.slice(0, 20)}"`);
  return code.data;
}
