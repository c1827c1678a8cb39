// Word lists for the free first pass. Lower-case, no punctuation.

/** Words that make an opening line grab attention, with their weight. */
export const HOOK_WORDS: ReadonlyMap<string, number> = new Map([
  ['secret', 1.2], ['nobody', 1.1], ['never', 0.8], ['mistake', 1.1], ['mistakes', 1.1], ['truth', 1],
  ['why', 0.9], ['how', 0.6], ['what', 0.5], ['imagine', 1], ['stop', 0.9], ['wrong', 1],
  ['biggest', 1], ['best', 0.7], ['worst', 1], ['surprising', 1], ['shocking', 1.1], ['actually', 0.5],
  ['lesson', 0.9], ['listen', 0.7], ['everyone', 0.6], ['everybody', 0.6], ['most', 0.4], ['million', 0.9],
  ['thousand', 0.6], ['hundred', 0.5], ['percent', 0.9], ['you', 0.35], ['your', 0.35], ['question', 0.8],
  ['crazy', 0.9], ['changed', 0.7], ['fail', 0.9], ['failed', 0.9], ['failure', 0.9], ['money', 0.6],
  ['three', 0.4], ['five', 0.4], ['ten', 0.4], ['first', 0.3], ['simple', 0.5], ['trick', 1], ['rule', 0.8],
]);

/** Words that tend to land a point, rewarded near the end of a clip. */
export const PAYOFF_WORDS: ReadonlySet<string> = new Set([
  'because', 'so', 'therefore', 'answer', 'lesson', 'remember', 'means', 'matters', 'point', 'result',
  'finally', 'truth', 'why', 'worked', 'changed', 'learned',
]);

export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'um', 'uh', 'erm', 'hmm', 'like', 'basically', 'literally', 'kind', 'sort', 'stuff', 'things', 'whatever', 'okay', 'ok', 'well', 'anyway', 'yeah',
]);

export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'if', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'with', 'from', 'as',
  'is', 'are', 'was', 'were', 'be', 'been', 'am', 'it', 'its', 'this', 'that', 'these', 'those', 'i', 'we',
  'they', 'he', 'she', 'them', 'us', 'me', 'my', 'our', 'their', 'his', 'her', 'do', 'does', 'did', 'have',
  'has', 'had', 'not', 'no', 'so', 'then', 'there', 'here', 'just', 'about', 'into', 'up', 'out', 'can',
  'will', 'would', 'could', 'should', 'all', 'some', 'any', 'very', 'really', 'also', 'get', 'got', 'going',
]);

export function normalise(word: string): string {
  return word.toLowerCase().replace(/[^a-z0-9']/g, '').replace(/'s$/, '');
}
