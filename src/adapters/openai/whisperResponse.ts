// Whisper's verbose_json, validated, turned into our words. whisper-1 gives word times but no
// punctuation on words; the segments carry it, and sentence ends help the scorer, so it is copied
// over when a segment's words line up one to one.
import { z } from 'zod';
import type { Word } from '../../core/schemas.ts';
import { round3 as round } from '../../core/numbers.ts';

export const VerboseTranscriptionSchema = z.object({
  text: z.string().default(''),
  language: z.string().optional(),
  duration: z.coerce.number().optional(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});
export type VerboseTranscription = z.infer<typeof VerboseTranscriptionSchema>;

const bare = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');

/** Words of one part, shifted by the part's offset in the whole audio. */
export function wordsOf(res: VerboseTranscription, offset: number, partEnd: number): Word[] {
  let words: Word[];
  if (res.words?.length) {
    words = res.words.map((w) => ({ w: w.word.trim(), start: w.start, end: w.end }));
    for (const seg of res.segments ?? []) punctuate(words, seg);
  } else if (res.segments?.length) {
    // Models without word times: spread each segment's words over it by length.
    words = res.segments.flatMap((seg) => spread(seg.text, seg.start, seg.end));
  } else {
    words = [];
  }
  const span = partEnd - offset;
  // The encoder pads a part's end a little; anything heard there belongs to the next part.
  return words
    .filter((w) => w.w.length > 0 && w.start < span - 0.01)
    .map((w) => {
      const start = Math.min(Math.max(0, w.start), span);
      const end = Math.min(Math.max(start, w.end), span);
      return { w: w.w, start: round(offset + start), end: round(offset + end) };
    });
}

function punctuate(words: Word[], seg: { start: number; end: number; text: string }): void {
  const inSeg = words.filter((w) => w.start >= seg.start - 0.05 && w.start < seg.end);
  const tokens = seg.text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length !== inSeg.length) return;
  tokens.forEach((tok, i) => {
    if (bare(tok) === bare(inSeg[i]!.w)) inSeg[i]!.w = tok;
  });
}

export function spread(text: string, start: number, end: number): Word[] {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let t = start;
  return tokens.map((tok, i) => {
    const d = ((end - start) * weights[i]!) / total;
    const w = { w: tok, start: round(t), end: round(t + d) };
    t += d;
    return w;
  });
}
