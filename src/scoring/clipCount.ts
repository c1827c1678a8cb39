// How many clips `--clips auto` (the default) makes. OpenShorts' published usage data: users given
// 4–9 clips came back 16.1% of the time, against 0.4% for 1–3 — so a long source gets more clips,
// about 3 for a 10-minute talk and 10 for an hour (a straight line through those two points), at
// most 20. Never padded with weak picks: a clip must score at least AUTO_FLOOR of the best one.
import type { ScoredCandidate } from '../core/ports.ts';
import { selectNonOverlapping } from './select.ts';

export const MAX_AUTO_CLIPS = 20;
/** A clip under this share of the best clip's score is not worth posting beside it. */
export const AUTO_FLOOR = 0.6;

/** The number of clips aimed for from a source this long. */
export function autoClipTarget(durationSec: number): number {
  const minutes = durationSec / 60;
  return Math.max(1, Math.min(MAX_AUTO_CLIPS, Math.round(1.6 + 0.14 * minutes)));
}

/** `clips`: an exact count, or 'auto': up to the target, none on the same moment, none under the floor. */
export function pickClips(candidates: ScoredCandidate[], clips: number | 'auto', durationSec: number): ScoredCandidate[] {
  if (clips !== 'auto') return selectNonOverlapping(candidates, clips);
  const chosen = selectNonOverlapping(candidates, autoClipTarget(durationSec));
  const best = chosen[0]?.score ?? 0;
  return chosen.filter((c, i) => i === 0 || c.score >= AUTO_FLOOR * best);
}
