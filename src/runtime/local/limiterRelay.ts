// OpenAI's rate limit is the account's, so serve's jobs share one limiter although each runs in a
// process of its own (src/runtime/local/jobProcess.ts): a job's process asks serve for a turn,
// holds it while its request runs and gives it back. A process that dies gives back every turn it
// held or waited for.
import type { Limiter } from '../../adapters/openai/rateLimiter.ts';
import { openAi } from '../../adapters/openai/openaiClient.ts';
import type { OpenAiConfig } from '../../adapters/openai/openaiConfig.ts';

export type LimiterAsk = { type: 'acquire'; id: number; config: OpenAiConfig } | { type: 'release'; id: number };
export type LimiterGrant = { type: 'granted'; id: number };

/**
 * In the job's process: limiters whose turns are serve's, one per endpoint, over one channel (one
 * numbering, so serve's grants and releases never mix two endpoints' turns). `send` reaches serve;
 * its grants come back through `granted`.
 */
export function limiterRelay(send: (m: LimiterAsk) => void): { limiterFor: (config: OpenAiConfig) => Limiter; granted: (m: LimiterGrant) => void } {
  let next = 0;
  const waiting = new Map<number, () => void>();
  return {
    limiterFor: (config) => ({
      async run<T>(fn: () => Promise<T>): Promise<T> {
        const id = next++;
        await new Promise<void>((resolve) => {
          waiting.set(id, resolve);
          send({ type: 'acquire', id, config });
        });
        try {
          return await fn();
        } finally {
          send({ type: 'release', id });
        }
      },
    }),
    granted: (m) => {
      waiting.get(m.id)?.();
      waiting.delete(m.id);
    },
  };
}

/** In serve, one per job process: takes its asks to serve's limiters and grants turns back. */
export class LimiterDesk {
  private readonly held = new Map<number, () => void>();
  private gone = false;

  constructor(
    private readonly grant: (m: LimiterGrant) => void,
    private readonly limiterOf: (config: OpenAiConfig) => Limiter = (config) => openAi(config).limiter,
  ) {}

  handle(m: LimiterAsk): void {
    if (m.type === 'release') {
      this.held.get(m.id)?.();
      this.held.delete(m.id);
      return;
    }
    void this.limiterOf(m.config).run(
      () =>
        new Promise<void>((release) => {
          if (this.gone) return release(); // the process ended while this turn waited
          this.held.set(m.id, release);
          this.grant({ type: 'granted', id: m.id });
        }),
    );
  }

  /** The process ended: every turn it held goes back, and any it still waits for is given back on arrival. */
  close(): void {
    this.gone = true;
    for (const release of this.held.values()) release();
    this.held.clear();
  }
}
