// The Scorer without a model: the first pass's scores, titles and reasons stand as they are.
import type { ScoredCandidate, Scorer } from '../../core/ports.ts';

export class FirstPassScorer implements Scorer {
  readonly name = 'first-pass';
  async refine(candidates: ScoredCandidate[]): Promise<ScoredCandidate[]> {
    return candidates;
  }
}
