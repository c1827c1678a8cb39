// A caption file that came with a video: same name beside it, as YouTube downloaders save them.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** talk.srt or talk.vtt (also talk.en.vtt, as YouTube downloaders name them) beside talk.mp4. */
export function sidecarOf(input: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return undefined;
  const dir = dirname(input);
  const stem = basename(input).replace(/\.[^.]+$/, '');
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const match = names
    .filter((n) => n.startsWith(`${stem}.`) && /^(?:\.[A-Za-z-]{2,8})?\.(srt|vtt)$/i.test(n.slice(stem.length)))
    .sort((x, y) => x.length - y.length)[0];
  return match ? join(dir, match) : undefined;
}
