// GET /jobs/{id}/transcript on both runtimes: every word with its index (what a correction
// names), and where each clip lies in them with its kept corrections.
import type { TranscriptView } from '../api/schemas.ts';
import { wordRange } from './bounds.ts';
import type { Kept } from './jobKeep.ts';

export function transcriptView(kept: Kept): TranscriptView {
  const words = kept.transcript.words;
  return {
    jobId: kept.keep.jobId,
    language: kept.transcript.language ?? kept.manifest.source.language ?? null,
    duration: kept.keep.source.info.duration,
    words: words.map((w, i) => ({ i, ...w })),
    clips: kept.manifest.clips.map((c) => {
      const range = wordRange(words, c.start, c.end);
      return {
        rank: c.rank,
        version: c.version ?? 1,
        start: c.start,
        end: c.end,
        first: range?.first ?? -1,
        last: range?.last ?? -1,
        corrections: kept.keep.clips[String(c.rank)]?.corrections ?? [],
        people: kept.keep.clips[String(c.rank)]?.crop.people ?? [],
      };
    }),
  };
}
