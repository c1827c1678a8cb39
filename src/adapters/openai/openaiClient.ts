// One client and one rate limiter per endpoint, shared by every job in the process: the limit
// is the API account's, not a job's.
import OpenAI from 'openai';
import type { OpenAiConfig } from './openaiConfig.ts';
import { RateLimiter } from './rateLimiter.ts';

export interface OpenAiHandle {
  client: OpenAI;
  limiter: RateLimiter;
  config: OpenAiConfig;
}

const shared = new Map<string, OpenAiHandle>();

/** A client with its own limiter (tests, or a separate account). */
export function createOpenAi(config: OpenAiConfig): OpenAiHandle {
  return {
    // Retries are ours (retry.ts), through the limiter; long uploads get a generous timeout.
    client: new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, maxRetries: 0, timeout: 10 * 60_000 }),
    limiter: new RateLimiter(config.rate),
    config,
  };
}

/** The process-wide handle for this endpoint, key and settings. */
export function openAi(config: OpenAiConfig): OpenAiHandle {
  const key = JSON.stringify(config);
  let handle = shared.get(key);
  if (!handle) {
    handle = createOpenAi(config);
    shared.set(key, handle);
  }
  return handle;
}
