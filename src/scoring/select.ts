import type { ScoredCandidate } from '../core/ports.ts';

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

/** Deterministic order: higher score first, then earlier, then shorter. */
export function byRank(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.score - a.score || a.start - b.start || a.end - b.end;
}

/** The best `count` candidates of which no two overlap at all. */
export function selectNonOverlapping(candidates: ScoredCandidate[], count: number): ScoredCandidate[] {
  const chosen: ScoredCandidate[] = [];
  for (const c of [...candidates].sort(byRank)) {
    if (chosen.length >= count) break;
    if (chosen.every((k) => overlap(k, c) === 0)) chosen.push(c);
  }
  return chosen;
}

/**
 * A shortlist for a costly second pass: the best `count` candidates that share at most half
 * their length with each other, so the shortlist is not the same moment eight times.
 */
export function shortlist(candidates: ScoredCandidate[], count: number): ScoredCandidate[] {
  const chosen: ScoredCandidate[] = [];
  for (const c of [...candidates].sort(byRank)) {
    if (chosen.length >= count) break;
    if (chosen.every((k) => overlap(k, c) <= 0.5 * Math.min(k.end - k.start, c.end - c.start))) chosen.push(c);
  }
  return chosen;
}
