// OpenAI settings from the environment, validated once. Without OPENAI_API_KEY the offline
// defaults are used; OPENAI_BASE_URL points the same code at any OpenAI-compatible server.
import { LanguageCodeSchema } from '../../core/spokenLanguage.ts';
import { z } from 'zod';
import { DEFAULT_PRICES, PriceTableSchema, type PriceTable } from '../../core/usage.ts';
import { readFileSync } from 'node:fs';
import { issuesText } from '../../core/zodIssues.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const OpenAiConfigSchema = z.object({
  OPENAI_API_KEY: z.string().min(1),
  OPENAI_BASE_URL: z.url().optional(),
  CLIPFORGE_TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
  CLIPFORGE_SCORE_MODEL: z.string().min(1).default('gpt-4o'),
  /** ISO-639-1 code of the speech, when known (helps Whisper; part of the cache key). */
  CLIPFORGE_LANGUAGE: LanguageCodeSchema.optional(),
  CLIPFORGE_OPENAI_RPM: positiveInt(5),
  CLIPFORGE_OPENAI_CONCURRENCY: positiveInt(2),
  CLIPFORGE_OPENAI_ATTEMPTS: positiveInt(5),
  /** Candidates per scoring request. */
  CLIPFORGE_SCORE_BATCH: positiveInt(4),
  /** Largest upload; the API refuses over 25 MB. */
  CLIPFORGE_MAX_UPLOAD_BYTES: positiveInt(24 * 1024 * 1024),
});

export interface OpenAiConfig {
  apiKey: string;
  baseURL?: string | undefined;
  transcribeModel: string;
  scoreModel: string;
  language?: string | undefined;
  rate: { perMinute: number; concurrent: number };
  attempts: number;
  scoreBatch: number;
  maxUploadBytes: number;
}

/** Undefined when no key is set; throws a readable error when a setting is malformed. */
export function openAiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpenAiConfig | undefined {
  if (!env.OPENAI_API_KEY) return undefined;
  const parsed = OpenAiConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`bad OpenAI settings: ${issuesText(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    apiKey: e.OPENAI_API_KEY,
    baseURL: e.OPENAI_BASE_URL,
    transcribeModel: e.CLIPFORGE_TRANSCRIBE_MODEL,
    scoreModel: e.CLIPFORGE_SCORE_MODEL,
    language: e.CLIPFORGE_LANGUAGE,
    rate: { perMinute: e.CLIPFORGE_OPENAI_RPM, concurrent: e.CLIPFORGE_OPENAI_CONCURRENCY },
    attempts: e.CLIPFORGE_OPENAI_ATTEMPTS,
    scoreBatch: e.CLIPFORGE_SCORE_BATCH,
    maxUploadBytes: Math.min(e.CLIPFORGE_MAX_UPLOAD_BYTES, 25 * 1000 * 1000),
  };
}

/** DEFAULT_PRICES, overridden per model by the JSON file named in CLIPFORGE_PRICES. */
export function priceTableFromEnv(env: NodeJS.ProcessEnv = process.env): PriceTable {
  const file = env.CLIPFORGE_PRICES;
  if (!file) return DEFAULT_PRICES;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`CLIPFORGE_PRICES=${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`CLIPFORGE_PRICES=${file}: ${issuesText(parsed.error)}`);
  return { ...DEFAULT_PRICES, ...parsed.data };
}
