import type { Word } from '../../src/core/schemas.ts';

/**
 * Words from a script where "|" marks a pause of `pause` seconds and each word takes 0.3 s
 * with 0.05 s between words: a transcript with known timing.
 */
export function timedWords(script: string, opts: { pause?: number; start?: number } = {}): Word[] {
  const pause = opts.pause ?? 0.8;
  let t = opts.start ?? 0.5;
  const out: Word[] = [];
  for (const token of script.split(/\s+/).filter(Boolean)) {
    if (token === '|') {
      t += pause;
      continue;
    }
    out.push({ w: token, start: round(t), end: round(t + 0.3) });
    t += 0.35;
  }
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
