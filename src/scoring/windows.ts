// Candidate clip windows that start and end on sentence or pause boundaries, never mid-word.
import type { Word } from '../core/schemas.ts';
import { round3 } from '../core/numbers.ts';

export interface Window {
  /** Index of the first and last word inside the window. */
  first: number;
  last: number;
  /** Snapped times: start pulled back into the preceding pause, end given a short tail. */
  start: number;
  end: number;
  gapBefore: number;
  gapAfter: number;
}

export interface WindowOptions {
  minSec: number;
  maxSec: number;
  /** A silence at least this long counts as a boundary when the text has no punctuation. */
  pauseSec?: number;
  leadSec?: number;
  tailSec?: number;
  mediaDuration?: number;
  /** The most windows made (default MAX_WINDOWS). */
  maxWindows?: number;
}

// Latin, CJK full-width and Devanagari sentence ends.
const SENTENCE_END = /[.!?…。！？।]["')\]」』）]*$/;

export function endsSentence(word: Word): boolean {
  return SENTENCE_END.test(word.w);
}

function gapAfter(words: Word[], i: number, mediaDuration: number): number {
  const next = words[i + 1];
  const cur = words[i]!;
  return next ? Math.max(0, next.start - cur.end) : Math.max(1, mediaDuration - cur.end);
}

function gapBefore(words: Word[], i: number): number {
  const prev = words[i - 1];
  return prev ? Math.max(0, words[i]!.start - prev.end) : Math.max(1, words[i]!.start);
}

/**
 * At most this many windows are scored: a 4-hour talk gave 580,000 (every sentence start times
 * every sentence end within maxSec), and scoring them took 23 s. Over the budget, each start keeps
 * ends spread evenly over its range of lengths (the score stage scores them in slices, so a
 * server keeps answering meanwhile); under it (talks up to about two hours) nothing changes.
 * The budget holds while the windows are made, not after: a transcript with no pauses (a hostile
 * caption file of 40,000 one-second cues, 8 words a second) has 19 million, 1.2 GB of them.
 */
export const MAX_WINDOWS = 100_000;

function windowsAt(words: Word[], opts: Required<WindowOptions>, pauseSec: number): Window[] {
  const isEnd = words.map((w, i) => i === words.length - 1 || endsSentence(w) || gapAfter(words, i, opts.mediaDuration) >= pauseSec);
  /** Calls `take` with each end that makes a window from word i, in order. */
  const eachEnd = (i: number, take: (j: number, start: number, end: number, after: number) => void) => {
    const start = Math.max(words[i]!.start - Math.min(opts.leadSec, gapBefore(words, i)), i > 0 ? words[i - 1]!.end : 0);
    for (let j = i; j < words.length; j++) {
      if (words[j]!.end - start > opts.maxSec + opts.tailSec) break;
      if (!isEnd[j]) continue;
      const after = gapAfter(words, j, opts.mediaDuration);
      const end = Math.min(words[j]!.end + Math.min(opts.tailSec, after), j + 1 < words.length ? words[j + 1]!.start : opts.mediaDuration);
      const length = end - start;
      if (length >= opts.minSec && length <= opts.maxSec) take(j, start, end, after);
    }
  };
  // Counted first (numbers only), so the budget per start is known before any window is made.
  const counts = new Uint32Array(words.length);
  let total = 0;
  let starts = 0;
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && !isEnd[i - 1]) continue;
    eachEnd(i, () => (counts[i] = counts[i]! + 1));
    total += counts[i]!;
    if (counts[i]) starts++;
  }
  const perStart = total <= opts.maxWindows ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(opts.maxWindows / starts));
  const out: Window[] = [];
  for (let i = 0; i < words.length; i++) {
    const count = counts[i]!;
    if (!count) continue;
    const before = gapBefore(words, i);
    const push = (j: number, start: number, end: number, after: number) =>
      out.push({ first: i, last: j, start: round3(start), end: round3(end), gapBefore: before, gapAfter: after });
    if (count <= perStart) {
      eachEnd(i, push);
      continue;
    }
    // Ends spread evenly over this start's range of lengths: the ordinals of perStart picks.
    const pick = (k: number) => Math.round((k * (count - 1)) / Math.max(1, perStart - 1));
    let ordinal = 0;
    let k = 0;
    eachEnd(i, (j, start, end, after) => {
      for (; k < perStart && pick(k) === ordinal; k++) push(j, start, end, after);
      ordinal++;
    });
  }
  return out;
}

/**
 * All windows between minSec and maxSec (at most MAX_WINDOWS). Speech with few clear pauses gets progressively
 * weaker pause thresholds, so a talk delivered without breaths still yields candidates.
 */
export function candidateWindows(words: Word[], options: WindowOptions): Window[] {
  if (words.length === 0) return [];
  const opts: Required<WindowOptions> = {
    pauseSec: 0.45,
    leadSec: 0.25,
    tailSec: 0.3,
    mediaDuration: words[words.length - 1]!.end + 1,
    maxWindows: MAX_WINDOWS,
    ...options,
  };
  for (const pause of [opts.pauseSec, opts.pauseSec / 2, opts.pauseSec / 4, 0]) {
    const found = windowsAt(words, opts, pause);
    if (found.length > 0) return found;
  }
  return [];
}
