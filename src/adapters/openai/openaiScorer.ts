// The Scorer port on a chat model with structured output: the first pass's shortlist goes out a
// few candidates per request; each comes back with a score, a title, its hook line and a reason,
// validated by the same zod schema the SDK's zodResponseFormat helper sends (parsed here rather
// than by chat.completions.parse so an invalid answer's tokens are still counted). An answer that fails validation is asked for
// once more; if it fails again that batch keeps its first-pass scores, with the reason recorded.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { CallContext, Logger, ScoredCandidate, Scorer } from '../../core/ports.ts';
import type { OpenAiHandle } from './openaiClient.ts';
import { withRetries } from './retry.ts';
import { issuesText } from '../../core/zodIssues.ts';

export const ClipVerdictSchema = z.object({
  id: z.number().int().describe('the candidate id as given'),
  score: z.number().int().min(0).max(100).describe('0-100: how well it works as a standalone short clip'),
  title: z.string().max(70).describe('a title of at most 70 characters'),
  hook: z.string().describe('the opening line that grabs attention, quoted from the transcript'),
  reason: z.string().describe('one sentence: why this score'),
});
export const BatchVerdictSchema = z.object({ clips: z.array(ClipVerdictSchema) });
export type BatchVerdict = z.infer<typeof BatchVerdictSchema>;

export const SYSTEM_PROMPT = `You choose moments from long videos for vertical short clips (Shorts, Reels, TikTok).
Rate each candidate transcript 0-100 for how well it works on its own: a hook in the first seconds,
one complete idea with a payoff, no missing context, energy and clarity. Be strict and use the whole
range. For each candidate give its id, the score, a title of at most 70 characters, the hook line
quoted from its transcript, and one sentence saying why.`;

export function batchMessages(batch: ScoredCandidate[]): ChatCompletionMessageParam[] {
  const candidates = batch.map((c, id) => ({ id, seconds: Math.round(c.end - c.start), transcript: c.text }));
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: JSON.stringify({ candidates }) },
  ];
}

class InvalidVerdict extends Error {}

export class OpenAiScorer implements Scorer {
  readonly name: string;

  constructor(
    private readonly api: OpenAiHandle,
    private readonly log?: Logger,
  ) {
    this.name = `openai:${api.config.scoreModel}`;
  }

  async refine(candidates: ScoredCandidate[], ctx: CallContext = {}): Promise<ScoredCandidate[]> {
    const size = this.api.config.scoreBatch;
    const batches: ScoredCandidate[][] = [];
    for (let i = 0; i < candidates.length; i += size) batches.push(candidates.slice(i, i + size));
    const refined = await Promise.all(batches.map((b) => this.refineBatch(b, ctx)));
    return refined.flat();
  }

  private async refineBatch(batch: ScoredCandidate[], ctx: CallContext): Promise<ScoredCandidate[]> {
    let lastProblem = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const verdict = await this.ask(batch, ctx);
        return batch.map((c, id) => {
          const v = verdict.clips.find((x) => x.id === id)!;
          return { ...c, score: v.score, title: v.title.trim(), hook: v.hook.trim(), reason: v.reason.trim() };
        });
      } catch (err) {
        if (!(err instanceof InvalidVerdict)) throw err;
        lastProblem = err.message;
        this.log?.warn('scoring answer failed validation', { attempt, problem: lastProblem });
      }
    }
    const note = `first-pass score kept: the model's answer was invalid twice (${lastProblem.slice(0, 160)})`;
    return batch.map((c) => ({ ...c, reason: `${c.reason}; ${note}` }));
  }

  /** One request; an answer that does not parse or leaves a candidate out is an InvalidVerdict. */
  private async ask(batch: ScoredCandidate[], ctx: CallContext): Promise<BatchVerdict> {
    const { client, limiter, config } = this.api;
    const model = config.scoreModel;
    const completion = await withRetries(
      `scoring ${batch.length} candidates with ${model}`,
      limiter,
      async () => {
        ctx.meter?.record(model, { requests: 1 });
        const res = await client.chat.completions.create(
          {
            model,
            messages: batchMessages(batch),
            response_format: zodResponseFormat(BatchVerdictSchema, 'clip_scores'),
            temperature: 0.2,
          },
          ctx.signal ? { signal: ctx.signal } : {},
        );
        ctx.meter?.record(model, { tokensIn: res.usage?.prompt_tokens ?? 0, tokensOut: res.usage?.completion_tokens ?? 0 });
        return res;
      },
      { attempts: config.attempts, baseMs: 1000, maxMs: 60_000 },
      (attempt, waitMs, err) => this.log?.warn('scoring request failed; retrying', { attempt, waitMs: Math.round(waitMs), error: String(err) }),
    );
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new InvalidVerdict(`refused: ${message.refusal}`);
    let json: unknown;
    try {
      json = JSON.parse(message?.content ?? '');
    } catch {
      throw new InvalidVerdict(`not JSON: ${(message?.content ?? '').slice(0, 80)}`);
    }
    const parsed = BatchVerdictSchema.safeParse(json);
    if (!parsed.success) throw new InvalidVerdict(issuesText(parsed.error));
    const missing = batch.map((_, id) => id).filter((id) => !parsed.data.clips.some((c) => c.id === id));
    if (missing.length) throw new InvalidVerdict(`no verdict for candidate${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    return parsed.data;
  }
}
