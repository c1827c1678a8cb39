// Offline titles that read like titles: the clip's strongest sentence (hook words, ideas, few
// fillers), cleaned of disfluencies and stutters ("it it"), cut at a phrase boundary, cased.
// With page captions or the OpenAI path the words are clean already; with a rough offline
// transcript this is what keeps "Why do both the most fail to see it it" off a clip.
import type { Word } from '../core/schemas.ts';
import { FILLER_WORDS, HOOK_WORDS, STOP_WORDS, normalise } from './lexicon.ts';
import { endsSentence } from './windows.ts';
import { joinWords } from '../captions/scripts.ts';

export const MAX_TITLE_CHARS = 70;
/** A title past this many words reads as a sentence, not a title. */
const MAX_TITLE_WORDS = 11;
/** Without punctuation (offline speech recognition), a pause this long ends a sentence. */
const SENTENCE_PAUSE_SEC = 0.5;
/** Sounds, not words: dropped wherever they are. */
const DISFLUENCIES = new Set(['um', 'uh', 'erm', 'hmm', 'mm', 'ah', 'er']);
/** Words that open a spoken sentence but not a title. */
const LEAD_INS = new Set(['so', 'and', 'but', 'okay', 'ok', 'well', 'right', 'yeah', 'anyway', 'now', 'also', 'then', 'like', 'um', 'uh']);
/** A phrase starts at these: a title may end just before one. */
const PHRASE_STARTS = new Set([
  'and',
  'but',
  'because',
  'which',
  'that',
  'so',
  'when',
  'where',
  'while',
  'if',
  'or',
  'who',
  'since',
  'until',
  'after',
  'before',
]);
/** In speech without punctuation, a new clause often starts with its subject. */
const CLAUSE_SUBJECTS = new Set(['i', 'we', 'you', 'they', 'he', 'she', 'it', 'this', 'that', 'there']);

function sentences(words: Word[]): Word[][] {
  const out: Word[][] = [[]];
  words.forEach((w, i) => {
    out.at(-1)!.push(w);
    const next = words[i + 1];
    if (endsSentence(w) || (next && next.start - w.end >= SENTENCE_PAUSE_SEC)) out.push([]);
  });
  return out.filter((s) => s.length);
}

/** Disfluencies out, stutters collapsed ("it it", "the the"), spoken lead-ins dropped. */
function cleaned(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const n = normalise(w);
    if (!n || DISFLUENCIES.has(n)) continue;
    if (out.length && normalise(out.at(-1)!) === n) {
      out[out.length - 1] = w; // keep the later one's punctuation
      continue;
    }
    out.push(w);
  }
  while (out.length > 2 && LEAD_INS.has(normalise(out[0]!))) out.shift();
  return out;
}

function strength(words: string[], first: boolean): number {
  const tokens = words.map(normalise);
  const hook = tokens.reduce((sum, t) => sum + (HOOK_WORDS.get(t) ?? 0), 0);
  const ideas = new Set(tokens.filter((t) => t && !STOP_WORDS.has(t) && !FILLER_WORDS.has(t))).size;
  const fillers = tokens.filter((t) => FILLER_WORDS.has(t)).length;
  const fit = words.length < 3 ? -2 : words.length > 16 ? -0.5 : 0;
  return 2 * hook + 0.4 * ideas - 0.6 * fillers + fit + (first ? 0.5 : 0);
}

/** At most MAX_TITLE_WORDS, ending before a phrase or clause starts when one does, never on a dangling small word. */
function cut(words: string[]): string[] {
  let out = words;
  if (out.length > MAX_TITLE_WORDS) {
    let at = MAX_TITLE_WORDS;
    for (let i = MAX_TITLE_WORDS; i >= 4; i--) {
      const next = normalise(out[i]!);
      if (PHRASE_STARTS.has(next) || CLAUSE_SUBJECTS.has(next) || /,$/.test(out[i - 1]!)) {
        at = i;
        break;
      }
    }
    out = out.slice(0, at);
  }
  while (out.length > 2 && (STOP_WORDS.has(normalise(out.at(-1)!)) || PHRASE_STARTS.has(normalise(out.at(-1)!)))) out = out.slice(0, -1);
  return out;
}

function cased(text: string): string {
  const t = text.replace(/\bi\b(?=('|’|\s|$))/g, 'I');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** A title from the clip's strongest sentence, at most 70 characters. */
export function titleFrom(words: Word[]): string {
  const candidates = sentences(words).map((s, i) => {
    const clean = cleaned(s.map((w) => w.w));
    return { words: clean, score: strength(clean, i === 0) };
  });
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a), candidates[0] ?? { words: [], score: 0 });
  const kept = cut(best.words);
  const whole = kept.length === best.words.length;
  // A sentence kept whole keeps its ? or !; a cut one ends clean, without a dangling comma or stop.
  let title = joinWords(kept).replace(whole ? /[.,;:]+$/ : /[.,;:!?]+$/, '');
  if (title.length > MAX_TITLE_CHARS) title = `${title.slice(0, MAX_TITLE_CHARS - 1).replace(/\s+\S*$/, '')}…`;
  return cased(title);
}
