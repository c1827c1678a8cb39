// Where an edited or hand-made clip starts and ends: at word edges (never mid-word), at sentence
// edges when asked, inside the source, 3 s to 3 min long. The same lead and tail as the scored
// windows (src/scoring/windows.ts), so a clip moved by hand sounds like one the machine cut.
import { InputError } from '../core/errors.ts';
import { round3 } from '../core/numbers.ts';
import type { Word } from '../core/schemas.ts';
import { endsSentence } from '../scoring/windows.ts';
import { MAX_CLIP_SEC, MIN_CLIP_SEC } from './editSchemas.ts';

/** Before the first word and after the last: the windows' lead and tail. */
const LEAD_SEC = 0.25;
const TAIL_SEC = 0.3;

const s = (n: number) => `${n.toFixed(2)} s`;

/** First and last word index inside [start, end), or undefined when no word is. */
export function wordRange(words: Word[], start: number, end: number): { first: number; last: number } | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.end > start && w.start < end) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? undefined : { first, last };
}

export interface BoundsRequest {
  start: number;
  end: number;
  snap: 'word' | 'sentence';
}

/** The snapped bounds, or an InputError that says what is wrong with the asked ones. */
export function snapBounds(words: Word[], want: BoundsRequest, sourceSec: number): { start: number; end: number } {
  if (want.start >= want.end) throw new InputError(`start (${s(want.start)}) must be before end (${s(want.end)})`);
  if (want.start >= sourceSec) throw new InputError(`start (${s(want.start)}) is past the end of the source (${s(sourceSec)})`);
  if (want.end > sourceSec + 0.05) throw new InputError(`end (${s(want.end)}) is past the end of the source (${s(sourceSec)})`);
  const end = Math.min(want.end, sourceSec);
  const range = wordRange(words, want.start, end);
  let start = want.start;
  let stop = end;
  if (range) {
    let { first, last } = range;
    if (want.snap === 'sentence') {
      while (first > 0 && !endsSentence(words[first - 1]!)) first--;
      while (last < words.length - 1 && !endsSentence(words[last]!)) last++;
    }
    const prevEnd = first > 0 ? words[first - 1]!.end : 0;
    const nextStart = last + 1 < words.length ? words[last + 1]!.start : sourceSec;
    // A word cut by the asked bound is taken whole; the lead and tail never reach into a neighbour.
    start = Math.max(prevEnd, words[first]!.start - LEAD_SEC, 0);
    stop = Math.min(nextStart, words[last]!.end + TAIL_SEC, sourceSec);
  }
  const length = stop - start;
  if (length < MIN_CLIP_SEC || length > MAX_CLIP_SEC) {
    throw new InputError(`a clip must be ${MIN_CLIP_SEC} s to ${MAX_CLIP_SEC / 60} min long; from ${s(start)} to ${s(stop)} it would be ${s(length)}`);
  }
  return { start: round3(start), end: round3(stop) };
}
