// Splits long speech into parts no longer than maxSec, each cut in the middle of a pause so no
// word is split between two parts (and none is heard twice), and joins the parts' words again.
import type { Word } from '../core/schemas.ts';
import type { Pause } from './silences.ts';

export interface Part {
  start: number;
  end: number;
}

/**
 * Each cut goes at the middle of the longest pause in the last half of the allowed span (a long
 * pause is a sentence end more often than a breath); with no pause there, the cut is made at
 * maxSec and `hardCuts` counts it.
 */
export function planParts(duration: number, pauses: Pause[], maxSec: number): { parts: Part[]; hardCuts: number } {
  if (!(maxSec > 0)) throw new Error(`part length must be positive, got ${maxSec}`);
  const parts: Part[] = [];
  let hardCuts = 0;
  let start = 0;
  while (duration - start > maxSec) {
    const limit = start + maxSec;
    const usable = pauses.map((p) => ({ p, mid: (p.start + p.end) / 2 })).filter(({ mid }) => mid > start + maxSec / 2 && mid < limit);
    let cut: number;
    if (usable.length) {
      cut = usable.reduce((best, c) => (c.p.end - c.p.start > best.p.end - best.p.start ? c : best)).mid;
    } else {
      cut = limit;
      hardCuts += 1;
    }
    parts.push({ start, end: cut });
    start = cut;
  }
  parts.push({ start, end: duration });
  return { parts, hardCuts };
}

/** Parts in order; a word is kept once, by its own start, even if a server echoes an edge. */
export function stitch(parts: Word[][]): Word[] {
  const out: Word[] = [];
  for (const words of parts) {
    for (const w of words) {
      const last = out.at(-1);
      if (last && w.start < last.start) continue;
      if (last && w.start === last.start && w.w === last.w) continue;
      out.push(w);
    }
  }
  return out;
}
