// One client and one rate limiter per endpoint, shared by every job in the process: the limit
// is the API account's, not a job's. A job that serve runs in a process of its own takes its
// turns from serve's limiter instead (src/runtime/local/limiterRelay.ts).
import OpenAI from 'openai';
import type { OpenAiConfig } from './openaiConfig.ts';
import { type Limiter, RateLimiter } from './rateLimiter.ts';

export interface OpenAiHandle {
  client: OpenAI;
  limiter: Limiter;
  config: OpenAiConfig;
}

const shared = new Map<string, OpenAiHandle>();
let sharedLimiter: ((config: OpenAiConfig) => Limiter) | undefined;

/** From now on, this process's handles take their turns from `limiter` (a job's worker process). */
export function limitThrough(limiter: (config: OpenAiConfig) => Limiter): void {
  sharedLimiter = limiter;
  shared.clear();
}

/** A client with its own limiter (tests, or a separate account). */
export function createOpenAi(config: OpenAiConfig, limiter: Limiter = new RateLimiter(config.rate)): OpenAiHandle {
  return {
    // Retries are ours (retry.ts), through the limiter; long uploads get a generous timeout.
    client: new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, maxRetries: 0, timeout: 10 * 60_000 }),
    limiter,
    config,
  };
}

/** The process-wide handle for this endpoint, key and settings. */
export function openAi(config: OpenAiConfig): OpenAiHandle {
  const key = JSON.stringify(config);
  let handle = shared.get(key);
  if (!handle) {
    handle = createOpenAi(config, sharedLimiter?.(config));
    shared.set(key, handle);
  }
  return handle;
}
