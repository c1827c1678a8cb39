import type { Word } from '../core/schemas.ts';
import { endsSentence } from './windows.ts';

export const MAX_TITLE_CHARS = 70;

/** A title from the clip's opening sentence (or first words), capitalised, at most 70 characters. */
export function titleFrom(words: Word[]): string {
  const opening: string[] = [];
  for (const word of words) {
    opening.push(word.w);
    if (opening.length >= 10 || (opening.length >= 3 && endsSentence(word))) break;
  }
  let title = opening.join(' ').replace(/[.,;:]+$/, '');
  if (title.length > MAX_TITLE_CHARS) {
    title = `${title.slice(0, MAX_TITLE_CHARS - 1).replace(/\s+\S*$/, '')}…`;
  }
  return title.charAt(0).toUpperCase() + title.slice(1);
}
