// SRT and WebVTT caption files (including YouTube's) → timed words, so a video that comes with
// captions needs no transcription. Words inside a cue get times from YouTube-style inline
// timestamps when present, otherwise spread over the cue by length. YouTube's rolling cues (each
// repeating the previous cue's line) are folded so every word appears once.
import type { Word } from '../core/schemas.ts';
import { round3 as round } from '../core/numbers.ts';
import { splitWords } from './scripts.ts';
import { stripControls } from '../core/controlChars.ts';

export interface Cue {
  start: number;
  end: number;
  lines: string[];
}

// Every repeat is bounded and the timing line is anchored, so matching is linear in the text:
// an unbounded `\d+` made a 200 KB line of digits take 31 s (each position scanned to the end).
const TIME = /(?:(\d{1,4}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/;
const ARROW = new RegExp(`^\\s*${TIME.source}\\s*-->\\s*${TIME.source}`);
/** A timing line is short ("00:00:01.000 --> 00:00:02.000 align:start position:0%"); longer lines are text. */
const TIMING_LINE_MAX = 200;
const isTiming = (line: string) => line.length <= TIMING_LINE_MAX && line.includes('-->') && ARROW.test(line);

/**
 * Limits that follow the media, so a caption file cannot cost more than captions of that video
 * can: its size (about 1 KB a second covers YouTube's word-timed captions with room; never under
 * MIN_CAPTION_BYTES) and its words (nobody speaks 8 words a second for long; 4 is fast speech).
 */
export const CAPTION_BYTES_PER_SEC = 4096;
/** Whatever the video, a caption file is read up to this size (uploads, sidecars, page captions). */
export const MAX_CAPTION_BYTES = 20 * 1024 * 1024;
export const MIN_CAPTION_BYTES = 256 * 1024;
export const CAPTION_WORDS_PER_SEC = 8;

export interface CaptionLimits {
  /** The video's length: caption bytes and words are held to it. */
  mediaSec?: number | undefined;
}

function checkSize(text: string, limits: CaptionLimits): void {
  if (!limits.mediaSec) return;
  const max = Math.max(MIN_CAPTION_BYTES, Math.round(CAPTION_BYTES_PER_SEC * limits.mediaSec));
  if (text.length > max)
    throw new CaptionParseError(
      `${mb(text.length)} of captions for a ${Math.round(limits.mediaSec)}-second video (at most ${mb(max)}): not the captions of its speech`,
    );
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

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
    const at = lines.findIndex(isTiming);
    if (at < 0) continue; // WEBVTT header, NOTE, STYLE, or an SRT index on its own
    const m = ARROW.exec(lines[at]!)!;
    const start = seconds(m[1], m[2]!, m[3]!, m[4]!);
    const end = seconds(m[5], m[6]!, m[7]!, m[8]!);
    const body = lines.slice(at + 1).filter((l) => l.trim() !== '');
    if (end > start && body.length) cues.push({ start, end, lines: body });
  }
  return cues;
}

// `[^<>]` and `[^{}]`: a tag ends at the next opener too, so a line of openers is linear, not quadratic.
const stripTags = (s: string) =>
  s
    .replace(/<[^<>]*>/g, '')
    .replace(/\{\\[^{}]*\}/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ');

/** Words of one line; inline <hh:mm:ss.mmm> marks give the time each following word starts. */
function lineWords(line: string, start: number, end: number): Word[] {
  const marks = [...line.matchAll(/<((?:\d{1,4}:)?\d{1,2}:\d{2}\.\d{3})>/g)];
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

export function captionWords(raw: string, limits: CaptionLimits = {}): Word[] {
  checkSize(raw, limits);
  // No control characters: the words reach terminals, SRT/VTT files and the manifest.
  const text = stripControls(raw);
  const cues = parseCues(text);
  const maxWords = limits.mediaSec ? Math.round(100 + CAPTION_WORDS_PER_SEC * limits.mediaSec) : Number.POSITIVE_INFINITY;
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
    // Checked as it grows: ten million words would be gigabytes before any check at the end.
    if (words.length > maxWords)
      throw new CaptionParseError(
        `more than ${maxWords} words of captions for a ${Math.round(limits.mediaSec!)}-second video (over ${CAPTION_WORDS_PER_SEC} a second): not the captions of its speech`,
      );
  }
  words.sort((a, b) => a.start - b.start);
  return words;
}
