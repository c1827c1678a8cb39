// npm run bench:tokens — tokens sent to the scoring model for a 30-minute talk: the first pass's
// shortlist (what clipforge sends) against sending every candidate window, counted with GPT-4o's
// tokenizer (o200k) on the exact messages OpenAiScorer builds. Target: ratio <= 0.4.
import { encode } from 'gpt-tokenizer/model/gpt-4o';
import { batchMessages } from '../src/adapters/openai/openaiScorer.ts';
import type { ScoredCandidate } from '../src/core/ports.ts';
import type { Word } from '../src/core/schemas.ts';
import { firstPass } from '../src/scoring/firstPass.ts';
import { shortlist } from '../src/scoring/select.ts';
import { candidateWindows } from '../src/scoring/windows.ts';
import { TALK } from '../src/samples/talkScript.ts';

const TARGET_SEC = 30 * 60;
const BATCH = 4;

/** The demo talk's sentences over and over, 2.6 words/s, with sentence and paragraph pauses. */
function transcript(): Word[] {
  const words: Word[] = [];
  let t = 0.5;
  for (let _round = 0; t < TARGET_SEC; _round++) {
    for (const section of TALK) {
      for (const sentence of section.sentences) {
        for (const w of sentence.split(/\s+/)) {
          words.push({ w, start: t, end: t + 0.32 });
          t += 0.38;
        }
        t += 0.5;
      }
      t += 1.0;
    }
  }
  return words.filter((w) => w.end < TARGET_SEC);
}

function tokensFor(candidates: ScoredCandidate[]): { tokens: number; requests: number } {
  let tokens = 0;
  let requests = 0;
  for (let i = 0; i < candidates.length; i += BATCH) {
    const messages = batchMessages(candidates.slice(i, i + BATCH));
    // 3 tokens of reply priming plus 4 per message, as OpenAI counts chat prompts.
    tokens += 3 + messages.reduce((a, m) => a + 4 + encode(String(m.content)).length, 0);
    requests++;
  }
  return { tokens, requests };
}

const words = transcript();
const duration = words.at(-1)!.end + 1;
const windows = candidateWindows(words, { minSec: 20, maxSec: 60, mediaDuration: duration });
const all: ScoredCandidate[] = windows.map((w) => ({
  start: w.start,
  end: w.end,
  text: words
    .slice(w.first, w.last + 1)
    .map((x) => x.w)
    .join(' '),
  score: 0,
  title: '',
  reason: '',
}));
const scored = firstPass(words, windows);
const picked = shortlist(scored, 8);

// A stricter baseline: the whole transcript once, as back-to-back windows with no overlap.
const tiled: ScoredCandidate[] = [];
for (const w of all) if (!tiled.length || w.start >= tiled.at(-1)!.end) tiled.push(w);

const every = tokensFor(all);
const whole = tokensFor(tiled);
const sent = tokensFor(picked);
console.log(`transcript: ${(duration / 60).toFixed(1)} min, ${words.length} words, ${windows.length} candidate windows (20-60 s)`);
console.log(
  `every window:   ${String(all.length).padStart(5)} candidates  ${String(every.requests).padStart(4)} requests  ${String(every.tokens).padStart(8)} tokens in`,
);
console.log(
  `first pass (8): ${String(picked.length).padStart(5)} candidates  ${String(sent.requests).padStart(4)} requests  ${String(sent.tokens).padStart(8)} tokens in`,
);
console.log(
  `whole transcript once: ${String(tiled.length).padStart(3)} candidates  ${String(whole.requests).padStart(4)} requests  ${String(whole.tokens).padStart(8)} tokens in`,
);
console.log(
  `ratio to every window: ${(sent.tokens / every.tokens).toFixed(4)} (target <= 0.4); to the whole transcript once: ${(sent.tokens / whole.tokens).toFixed(3)}`,
);
