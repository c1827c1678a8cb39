// The free first pass: scores every candidate window from the transcript alone, so an LLM
// (when there is one) only ever sees the best few.
import type { Word } from '../core/schemas.ts';
import type { ScoredCandidate } from '../core/ports.ts';
import { endsSentence, type Window } from './windows.ts';
import { FILLER_WORDS, HOOK_WORDS, normalise, PAYOFF_WORDS, STOP_WORDS } from './lexicon.ts';
import { titleFrom } from './titles.ts';
import { joinWords, wordWeight } from '../captions/scripts.ts';

export interface Features {
  /** Words per second over the window. */
  wordsPerSec: number;
  density: number;
  hook: number;
  completeness: number;
  richness: number;
  payoff: number;
}

const WEIGHTS = { hook: 0.3, completeness: 0.2, density: 0.15, richness: 0.25, payoff: 0.1 } as const;

const clamp01 = (n: number) => Math.max(0, Math.min(1, n));

/** 1 for a comfortable speaking pace, falling to 0 at 1 and 5 words per second. */
export function densityScore(wordsPerSec: number): number {
  if (wordsPerSec < 1 || wordsPerSec > 5) return 0;
  if (wordsPerSec < 2) return wordsPerSec - 1;
  if (wordsPerSec > 3.8) return (5 - wordsPerSec) / 1.2;
  return 1;
}

export function hookScore(opening: string[]): number {
  let sum = 0;
  opening.forEach((token, i) => {
    const weight = HOOK_WORDS.get(token) ?? (/^\d+$/.test(token) ? 0.8 : 0);
    sum += i < 3 ? weight * 1.3 : weight;
  });
  return clamp01(sum / 2.5);
}

/**
 * What every window of a transcript reads again and again, worked out once per word: a 4-hour
 * transcript has over half a million candidate windows, and normalising each window's words
 * anew took 41 s (measured with a 4-hour caption file), a blocked server meanwhile.
 */
interface PerWord {
  norm: string[];
  ends: boolean[];
  /** weightSum[i]: the word units of words before i (prefix sums). */
  weightSum: Float64Array;
}
const perWordCache = new WeakMap<Word[], PerWord>();

function perWord(words: Word[]): PerWord {
  let pre = perWordCache.get(words);
  if (!pre) {
    const weightSum = new Float64Array(words.length + 1);
    for (let i = 0; i < words.length; i++) weightSum[i + 1] = weightSum[i]! + wordWeight(words[i]!.w);
    pre = { norm: words.map((w) => normalise(w.w)), ends: words.map(endsSentence), weightSum };
    perWordCache.set(words, pre);
  }
  return pre;
}

export function features(words: Word[], win: Window): Features {
  const pre = perWord(words);
  const inside = words.slice(win.first, win.last + 1);
  const tokens = pre.norm.slice(win.first, win.last + 1).filter(Boolean);
  // Pace in word units: a word of an unspaced script (Chinese, Japanese…) counts by its characters.
  const wordsPerSec = (pre.weightSum[win.last + 1]! - pre.weightSum[win.first]!) / (win.end - win.start);
  const openingEnd = inside.findIndex((w, i) => i >= 3 && (pre.ends[win.first + i]! || w.start - inside[0]!.start > 4));
  const opening = tokens.slice(0, Math.min(12, openingEnd === -1 ? 12 : openingEnd + 1));
  // Without punctuation the pauses tell where a thought starts and ends: the longer the better,
  // and a pause inside the window longer than those at its edges means it spans two topics.
  const startsClean = win.first === 0 || pre.ends[win.first - 1]! ? 1 : clamp01(win.gapBefore / 1.1);
  const endsClean = pre.ends[win.last]! ? 1 : clamp01(win.gapAfter / 1.1);
  let innerGap = 0;
  for (let i = 1; i < inside.length; i++) innerGap = Math.max(innerGap, inside[i]!.start - inside[i - 1]!.end);
  const coherence = clamp01(1 - (innerGap - Math.min(win.gapBefore, win.gapAfter)) / 0.4);
  const content = tokens.filter((t) => !STOP_WORDS.has(t) && !FILLER_WORDS.has(t));
  const fillers = tokens.filter((t) => FILLER_WORDS.has(t)).length;
  const distinct = new Set(content).size;
  const richness = clamp01((distinct / Math.max(1, tokens.length) - 0.15) / 0.35 - fillers / Math.max(1, tokens.length));
  const closing = tokens.slice(-Math.max(6, Math.round(tokens.length * 0.3)));
  const payoff = clamp01(closing.filter((t) => PAYOFF_WORDS.has(t)).length / 2);
  return {
    wordsPerSec,
    density: densityScore(wordsPerSec),
    hook: hookScore(opening),
    completeness: ((startsClean + endsClean) / 2) * coherence,
    richness,
    payoff,
  };
}

export function combine(f: Features): number {
  if (f.density === 0) return 0;
  const sum =
    WEIGHTS.hook * f.hook + WEIGHTS.completeness * f.completeness + WEIGHTS.density * f.density + WEIGHTS.richness * f.richness + WEIGHTS.payoff * f.payoff;
  return Math.round(sum * 1000) / 10;
}

export function reasonFrom(f: Features, opening: string): string {
  const parts: string[] = [];
  if (f.hook >= 0.5) parts.push(`opens with a hook ("${opening}")`);
  if (f.completeness >= 0.8) parts.push('starts and ends on a complete thought');
  if (f.payoff >= 0.5) parts.push('lands a clear point at the end');
  if (f.richness >= 0.6) parts.push('dense with distinct ideas');
  parts.push(`${f.wordsPerSec.toFixed(1)} words/s`);
  const text = parts.join(', ');
  return `${text.charAt(0).toUpperCase() + text.slice(1)}.`;
}

/** Scores every window; windows outside 1–5 words/s are dropped. */
export function firstPass(words: Word[], windows: Window[]): ScoredCandidate[] {
  const out: ScoredCandidate[] = [];
  for (const win of windows) scoreInto(out, words, win);
  return out;
}

/** Windows scored between two turns of the event loop (about 50 ms of work): a server keeps answering. */
const SLICE = 2000;

/** firstPass, giving the event loop a turn every SLICE windows; stops when `signal` fires. */
export async function firstPassInSlices(words: Word[], windows: Window[], signal?: AbortSignal): Promise<ScoredCandidate[]> {
  const out: ScoredCandidate[] = [];
  for (let i = 0; i < windows.length; i += SLICE) {
    for (const win of windows.slice(i, i + SLICE)) scoreInto(out, words, win);
    await new Promise((r) => setImmediate(r));
    signal?.throwIfAborted();
  }
  return out;
}

function scoreInto(out: ScoredCandidate[], words: Word[], win: Window): void {
  {
    const f = features(words, win);
    const score = combine(f);
    if (score === 0) return;
    const inside = words.slice(win.first, win.last + 1);
    const text = joinWords(inside.map((w) => w.w));
    out.push({
      start: win.start,
      end: win.end,
      text,
      score,
      title: titleFrom(inside),
      reason: reasonFrom(f, joinWords(inside.slice(0, 6).map((w) => w.w))),
    });
  }
}
