// A manifest's usage block for a job that made no paid requests (tests that build manifests by hand).
import type { Manifest } from '../../src/core/schemas.ts';

export function freeUsage(over: Partial<Manifest['usage']> = {}): Manifest['usage'] {
  return {
    audioMinutes: 1,
    transcriber: 'faster-whisper',
    scorer: 'first-pass',
    requests: 0,
    llmRequests: 0,
    tokensIn: 0,
    tokensOut: 0,
    cacheHits: 0,
    models: {},
    estimatedCostUsd: 0,
    unpriced: [],
    ...over,
  };
}
