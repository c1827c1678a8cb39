/** Word error rate: word-level edit distance over the reference length. */
export function wordErrors(reference: string[], hypothesis: string[]): number {
  let prev = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hypothesis.length]!;
}

/** A transcript's words as the references write them: lower case, no punctuation, hyphenated words apart, "Mr." spelled out. */
export function normalizedWords(words: string[]): string[] {
  const SPELLED: Record<string, string> = { mr: 'mister', mrs: 'missus', dr: 'doctor' };
  return words
    .flatMap((w) => w.toLowerCase().split(/[-\s]+/))
    .map((w) => w.replace(/[^\p{L}\p{N}']/gu, ''))
    .filter(Boolean)
    .map((w) => SPELLED[w] ?? w);
}
