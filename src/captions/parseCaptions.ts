// SRT and WebVTT caption files (including YouTube's) → timed words, so a video that comes with
// captions needs no transcription. Words inside a cue get times from YouTube-style inline
// timestamps when present, otherwise spread over the cue by length. YouTube's rolling cues (each
// repeating the previous cue's line) are folded so every word appears once.
import type { Word } from '../core/schemas.ts';
import { round3 as round } from '../core/numbers.ts';
import { splitWords } from './scripts.ts';

export interface Cue {
  start: number;
  end: number;
  lines: string[];
}

const TIME = /(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/;
const ARROW = new RegExp(`${TIME.source}\\s*-->\\s*${TIME.source}`);

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms.padEnd(3, '0')) / 1000;
}

export class CaptionParseError extends Error {
  override name = 'CaptionParseError';
}

export function parseCues(text: string): Cue[] {
  const cues: Cue[] = [];
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => ARROW.test(l));
    if (at < 0) continue; // WEBVTT header, NOTE, STYLE, or an SRT index on its own
    const m = ARROW.exec(lines[at]!)!;
    const start = seconds(m[1], m[2]!, m[3]!, m[4]!);
    const end = seconds(m[5], m[6]!, m[7]!, m[8]!);
    const body = lines.slice(at + 1).filter((l) => l.trim() !== '');
    if (end > start && body.length) cues.push({ start, end, lines: body });
  }
  return cues;
}

const stripTags = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ');

/** Words of one line; inline <hh:mm:ss.mmm> marks give the time each following word starts. */
function lineWords(line: string, start: number, end: number): Word[] {
  const marks = [...line.matchAll(/<((?:\d+:)?\d{1,2}:\d{2}\.\d{3})>/g)];
  if (!marks.length) return spreadWords(stripTags(line), start, end);
  const pieces: Array<{ text: string; at: number }> = [];
  let from = 0;
  let at = start;
  for (const mk of marks) {
    pieces.push({ text: stripTags(line.slice(from, mk.index)), at });
    const t = TIME.exec(mk[1]!)!;
    at = seconds(t[1], t[2]!, t[3]!, t[4]!);
    from = mk.index! + mk[0].length;
  }
  pieces.push({ text: stripTags(line.slice(from)), at });
  const words: Word[] = [];
  pieces.forEach((p, i) => {
    const next = pieces[i + 1]?.at ?? end;
    words.push(...spreadWords(p.text, p.at, Math.max(p.at, next)));
  });
  return words;
}

function spreadWords(text: string, start: number, end: number): Word[] {
  const tokens = splitWords(text);
  const total = tokens.reduce((a, t) => a + t.length + 1, 0);
  let t = start;
  return tokens.map((w) => {
    const d = ((end - start) * (w.length + 1)) / total;
    const word = { w, start: round(t), end: round(t + d) };
    t += d;
    return word;
  });
}

export function captionWords(text: string): Word[] {
  const cues = parseCues(text);
  if (!cues.length) throw new CaptionParseError('no caption cues found (expected SRT or WebVTT with "00:00:01,000 --> 00:00:02,000" timings)');
  const words: Word[] = [];
  let previous: string[] = [];
  for (const cue of cues) {
    const plain = cue.lines.map((l) => stripTags(l).trim());
    // Rolling captions repeat the previous cue's lines; only new lines carry new words.
    const fresh = cue.lines.filter((_, i) => !previous.includes(plain[i]!) && plain[i] !== '');
    previous = plain;
    const share = (cue.end - cue.start) / Math.max(1, fresh.length);
    for (const [i, line] of fresh.entries()) words.push(...lineWords(line, cue.start + i * share, cue.start + (i + 1) * share));
  }
  words.sort((a, b) => a.start - b.start);
  return words;
}
