// Transcriber and Scorer for local jobs: OpenAI (or a compatible server) when OPENAI_API_KEY is
// set, the offline pair otherwise. One of each per process, so every job shares the rate limit,
// the transcript cache and its in-flight requests.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CachingTranscriber } from '../../adapters/cache/cachingTranscriber.ts';
import { SqliteTranscriptCache } from '../../adapters/cache/sqliteTranscriptCache.ts';
import { openAi } from '../../adapters/openai/openaiClient.ts';
import { openAiConfigFromEnv } from '../../adapters/openai/openaiConfig.ts';
import { OpenAiScorer } from '../../adapters/openai/openaiScorer.ts';
import { WhisperTranscriber } from '../../adapters/openai/whisperTranscriber.ts';
import { FasterWhisperTranscriber } from '../../adapters/whisper/fasterWhisperTranscriber.ts';
import { FirstPassScorer } from '../../adapters/scoring/firstPassScorer.ts';
import type { Logger, Scorer, Transcriber } from '../../core/ports.ts';
import { spokenLanguage } from '../../core/spokenLanguage.ts';

export interface Models {
  transcriber: Transcriber;
  scorer: Scorer;
}

export function cacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.CLIPFORGE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'clipforge'), 'cache.db');
}

const byConfig = new Map<string, Models>();

export function localModels(log: Logger, env: NodeJS.ProcessEnv = process.env): Models {
  const config = openAiConfigFromEnv(env);
  const file = cacheFile(env);
  const key = JSON.stringify([config, file]);
  let models = byConfig.get(key);
  if (!models) {
    const api = config && openAi(config);
    const inner = api ? new WhisperTranscriber(api, log) : new FasterWhisperTranscriber({ language: spokenLanguage(env), env });
    models = {
      transcriber: new CachingTranscriber(inner, new SqliteTranscriptCache(file), { log }),
      scorer: api ? new OpenAiScorer(api, log) : new FirstPassScorer(),
    };
    byConfig.set(key, models);
  }
  return models;
}
