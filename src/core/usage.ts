// What a job cost: requests, audio and tokens per model, cache hits, and an estimate in USD from
// a price table. Stages fill a meter per call and pass its snapshot on in their output, so the
// totals survive the state machine (no shared counter between Lambda invocations).
import { z } from 'zod';

export const ModelUsageSchema = z.object({
  requests: z.number().int().nonnegative().default(0),
  audioSeconds: z.number().nonnegative().default(0),
  tokensIn: z.number().int().nonnegative().default(0),
  tokensOut: z.number().int().nonnegative().default(0),
});
export type ModelUsage = z.infer<typeof ModelUsageSchema>;

export const UsageSnapshotSchema = z.object({
  models: z.record(z.string(), ModelUsageSchema).default({}),
  cacheHits: z.number().int().nonnegative().default(0),
});
export type UsageSnapshot = z.infer<typeof UsageSnapshotSchema>;

export class UsageMeter {
  private readonly models = new Map<string, ModelUsage>();
  private cacheHits = 0;

  record(model: string, add: Partial<ModelUsage>): void {
    const m = this.models.get(model) ?? { requests: 0, audioSeconds: 0, tokensIn: 0, tokensOut: 0 };
    m.requests += add.requests ?? 0;
    m.audioSeconds += add.audioSeconds ?? 0;
    m.tokensIn += add.tokensIn ?? 0;
    m.tokensOut += add.tokensOut ?? 0;
    this.models.set(model, m);
  }

  cacheHit(): void {
    this.cacheHits += 1;
  }

  snapshot(): UsageSnapshot {
    return { models: Object.fromEntries([...this.models].map(([k, v]) => [k, { ...v }])), cacheHits: this.cacheHits };
  }
}

export function mergeUsage(...parts: Array<UsageSnapshot | undefined>): UsageSnapshot {
  const meter = new UsageMeter();
  let hits = 0;
  for (const p of parts) {
    if (!p) continue;
    for (const [model, u] of Object.entries(p.models)) meter.record(model, u);
    hits += p.cacheHits;
  }
  return { ...meter.snapshot(), cacheHits: hits };
}

/** USD per unit; a model missing from the table costs 0 and is named in `unpriced`. */
export const PriceSchema = z.object({
  perAudioMinute: z.number().nonnegative().default(0),
  perMillionTokensIn: z.number().nonnegative().default(0),
  perMillionTokensOut: z.number().nonnegative().default(0),
});
export const PriceTableSchema = z.record(z.string(), PriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** OpenAI list prices (USD) when this was written; override with CLIPFORGE_PRICES. */
export const DEFAULT_PRICES: PriceTable = {
  'whisper-1': { perAudioMinute: 0.006, perMillionTokensIn: 0, perMillionTokensOut: 0 },
  'gpt-4o-transcribe': { perAudioMinute: 0.006, perMillionTokensIn: 0, perMillionTokensOut: 0 },
  'gpt-4o-mini-transcribe': { perAudioMinute: 0.003, perMillionTokensIn: 0, perMillionTokensOut: 0 },
  'gpt-4o': { perAudioMinute: 0, perMillionTokensIn: 2.5, perMillionTokensOut: 10 },
  'gpt-4o-mini': { perAudioMinute: 0, perMillionTokensIn: 0.15, perMillionTokensOut: 0.6 },
};

export function costOf(model: string, u: ModelUsage, prices: PriceTable): number | undefined {
  const p = prices[model];
  if (!p) return undefined;
  return (u.audioSeconds / 60) * p.perAudioMinute + (u.tokensIn / 1e6) * p.perMillionTokensIn + (u.tokensOut / 1e6) * p.perMillionTokensOut;
}
