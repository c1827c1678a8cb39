// SRT and WebVTT sidecars: one cue per caption group, times relative to the clip.
import type { CaptionGroup } from './groups.ts';
import { joinWords } from './scripts.ts';

function stamp(seconds: number, sep: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

const text = (g: CaptionGroup) => joinWords(g.words.map((w) => w.w));

/** SRT has no escapes; an arrow in the words would read as a timing line to some players. */
const srtText = (g: CaptionGroup) => text(g).replaceAll('-->', '->');

/** WebVTT cue text: & < > are markup (a stray "<" hides the rest of the cue; "-->" ends it). */
const vttText = (g: CaptionGroup) => text(g).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function buildSrt(groups: CaptionGroup[]): string {
  return groups.map((g, i) => `${i + 1}\n${stamp(g.start, ',')} --> ${stamp(g.end, ',')}\n${srtText(g)}\n`).join('\n');
}

export function buildVtt(groups: CaptionGroup[]): string {
  return ['WEBVTT', '', ...groups.map((g) => `${stamp(g.start, '.')} --> ${stamp(g.end, '.')}\n${vttText(g)}\n`)].join('\n');
}
