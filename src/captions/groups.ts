// Splits a clip's words into caption groups: short enough to read at a glance.
import type { Word } from '../core/schemas.ts';
import { round3 } from '../core/numbers.ts';
import { displayWidth, isUnspaced } from './scripts.ts';

export interface CaptionGroup {
  /** Times relative to the clip start. */
  start: number;
  end: number;
  words: Word[];
}

export interface GroupOptions {
  maxChars: number;
  maxSec: number;
  /** A pause this long starts a new group even if the current one has room. */
  breakOnPauseSec: number;
  /** How long the last word of a group stays up after it is spoken. */
  holdSec: number;
  /**
   * Room on one line. A group of an unspaced script stays within one line: libass breaks lines
   * at spaces, and such a line has none.
   */
  lineChars?: number;
}

/** A word that ends a sentence: . ! ? … and their full-width forms, before closing quotes or brackets. */
const SENTENCE_END = /[.!?…。！？]["'”’)\]]*$/u;

export const DEFAULT_GROUPS: GroupOptions = { maxChars: 20, maxSec: 2, breakOnPauseSec: 0.35, holdSec: 0.4 };

/** Words inside [clipStart, clipEnd), shifted to clip time and clamped to the clip. */
export function clipWords(words: Word[], clipStart: number, clipEnd: number): Word[] {
  return words
    .filter((w) => w.end > clipStart && w.start < clipEnd)
    .map((w) => ({
      w: w.w,
      start: round3(Math.max(0, w.start - clipStart)),
      end: round3(Math.min(clipEnd, w.end) - clipStart),
    }));
}

export function groupWords(words: Word[], clipDuration: number, opts: GroupOptions = DEFAULT_GROUPS): CaptionGroup[] {
  const groups: Word[][] = [];
  let current: Word[] = [];
  for (const word of words) {
    const prev = current[current.length - 1];
    const chars = current.reduce((n, w) => n + displayWidth(w.w) + 1, 0) + displayWidth(word.w);
    const unspaced = isUnspaced(word.w) || current.some((w) => isUnspaced(w.w));
    const room = unspaced && opts.lineChars ? Math.min(opts.maxChars, opts.lineChars) : opts.maxChars;
    const tooLong = current.length > 0 && (chars > room || word.end - current[0]!.start > opts.maxSec);
    const paused = prev !== undefined && word.start - prev.end >= opts.breakOnPauseSec;
    // A caption never runs across a sentence's end (transcripts with punctuation: Whisper's, caption files).
    const sentenceEnded = prev !== undefined && SENTENCE_END.test(prev.w);
    if (tooLong || paused || sentenceEnded) {
      groups.push(current);
      current = [];
    }
    current.push(word);
  }
  if (current.length) groups.push(current);

  return groups.map((ws, i) => {
    const next = groups[i + 1];
    const last = ws[ws.length - 1]!;
    const limit = next ? next[0]!.start : clipDuration;
    return { start: ws[0]!.start, end: round3(Math.min(limit, last.end + opts.holdSec)), words: ws };
  });
}
