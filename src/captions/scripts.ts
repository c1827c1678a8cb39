// Words in every script. Chinese, Japanese, Thai, Lao, Khmer and Burmese are written without
// spaces between words: split on whitespace, a whole caption cue was one "word", every window
// fell under the pace rule and the job failed with "found no stretch of speech". ICU's word
// segmentation (Intl.Segmenter, built into Node) splits them into words; they are joined back
// without spaces, and their pace is counted in characters.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

export const isUnspaced = (word: string): boolean => UNSPACED.test(word);

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** The words of a text: whitespace-separated, and unspaced scripts segmented into words (punctuation stays with the word before it). */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    if (!isUnspaced(token)) {
      out.push(token);
      continue;
    }
    const start = out.length;
    for (const { segment, isWordLike } of segmenter.segment(token)) {
      if (!isWordLike && out.length > start) out[out.length - 1] += segment;
      else out.push(segment);
    }
  }
  return out;
}

/** Full-width punctuation (、。，！？「」…) sits between unspaced words without spaces too. */
const FULL_WIDTH_PUNCTUATION = /[\u3000-\u303F\uFF00-\uFFEF]/u;
const unspacedEdge = (c: string) => isUnspaced(c) || FULL_WIDTH_PUNCTUATION.test(c);

/** Whether a space goes between two words: not between two words of an unspaced script. */
export const spaceBetween = (before: string, after: string): boolean => !(unspacedEdge([...before].at(-1) ?? '') && unspacedEdge(after.charAt(0)));

/** Words back into text, spaced as their scripts are written. */
export function joinWords(words: string[], shown: (w: string, i: number) => string = (w) => w): string {
  return words.map((w, i) => (i > 0 && spaceBetween(words[i - 1]!, w) ? ' ' : '') + shown(w, i)).join('');
}

/**
 * How much speech a word is, for pace rules: 1 for a spaced word; for an unspaced one, its
 * characters over 2 (Chinese averages about 1.7 characters a word, and a word of Japanese
 * segmentation is often one kana particle).
 */
export const wordWeight = (word: string): number => (isUnspaced(word) ? Math.max(0.5, [...word].filter((c) => isUnspaced(c)).length / 2) : 1);

/** A full-width character is about 1.6 times the average advance of Latin caption text (1.0 em against 0.62). */
const WIDE = 1.6;

/** A word's width in average Latin characters: what a caption line has room for. */
export const displayWidth = (word: string): number => [...word].reduce((n, c) => n + (isUnspaced(c) ? WIDE : 1), 0);
