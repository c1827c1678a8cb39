// Caption corrections: a run of words shown as other text. The corrected words take the
// original words' times, spread by length (a split or a merge); empty text takes the words out of
// the captions, never out of the clip's sound.
import { InputError } from '../core/errors.ts';
import { round3 } from '../core/numbers.ts';
import type { Word } from '../core/schemas.ts';
import type { Correction } from './editSchemas.ts';

/** A clip's corrections after new ones: a new one replaces any earlier one it overlaps. */
export function mergeCorrections(kept: Correction[], added: Correction[]): Correction[] {
  let out = [...kept];
  for (const c of added) out = [...out.filter((k) => k.to < c.from || k.from > c.to), c];
  return out.sort((a, b) => a.from - b.from);
}

/** Every correction names words of the transcript inside the clip's range. */
export function checkCorrections(corrections: Correction[], words: Word[], range: { first: number; last: number } | undefined, clip: string): void {
  for (const c of corrections) {
    if (c.to >= words.length) throw new InputError(`a correction names word ${c.to}, but the transcript has ${words.length} words (0–${words.length - 1})`);
    if (!range || c.from < range.first || c.to > range.last) {
      const inside = range ? `words ${range.first}–${range.last}` : 'no words';
      throw new InputError(`a correction names words ${c.from}–${c.to}, outside ${clip} (${inside})`);
    }
  }
}

/** The transcript's words with the corrections applied (sorted, not overlapping). */
export function correctedWords(words: Word[], corrections: Correction[]): Word[] {
  const out: Word[] = [];
  let i = 0;
  for (const c of [...corrections].sort((a, b) => a.from - b.from)) {
    if (c.from < i) continue; // overlaps one already applied
    out.push(...words.slice(i, c.from));
    out.push(...spread(c.text, words[c.from]!.start, words[c.to]!.end));
    i = c.to + 1;
  }
  out.push(...words.slice(i));
  return out;
}

function spread(text: string, start: number, end: number): Word[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const weights = tokens.map((t) => Math.max(1, [...t].length));
  const total = weights.reduce((a, b) => a + b, 0);
  let at = start;
  return tokens.map((w, k) => {
    const from = at;
    at = k === tokens.length - 1 ? end : at + ((end - start) * weights[k]!) / total;
    return { w, start: round3(from), end: round3(at) };
  });
}

const bare = (w: string) => w.toLocaleLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/**
 * "west=quest" (the CLI's --fix): every run of words in [first, last] that reads as the left side
 * (case and punctuation aside) becomes the right side, keeping the run's closing punctuation
 * (a sentence end the captions break on) unless the new text has its own.
 */
export function findCorrections(spec: string, words: Word[], range: { first: number; last: number } | undefined, clip: string): Correction[] {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InputError(`--fix "${spec}" must be WORDS=CORRECTION, e.g. --fix "west=quest" (an empty correction hides the words)`);
  const find = spec.slice(0, eq).split(/\s+/).map(bare).filter(Boolean);
  const text = spec.slice(eq + 1).trim();
  if (!find.length) throw new InputError(`--fix "${spec}" names no word to correct`);
  const out: Correction[] = [];
  if (range) {
    for (let i = range.first; i + find.length - 1 <= range.last; i++) {
      if (!find.every((f, k) => bare(words[i + k]!.w) === f)) continue;
      const to = i + find.length - 1;
      const closing = /[^\p{L}\p{N}]+$/u.exec(words[to]!.w)?.[0] ?? '';
      const keep = text && closing && !/[^\p{L}\p{N}]$/u.test(text) ? closing : '';
      out.push({ from: i, to, text: text + keep });
      i = to;
    }
  }
  if (!out.length) throw new InputError(`--fix "${spec}": ${clip} has no words "${spec.slice(0, eq).trim()}"`);
  return out;
}
