// Burned-in captions as ASS (rendered by libass inside FFmpeg): the whole group on screen, the
// spoken word highlighted in the look's way (src/captions/styles.ts). One event per word lasting
// until the next word, so nothing flickers.
import { type CaptionGroup, DEFAULT_GROUPS, type GroupOptions } from './groups.ts';
import { displayWidth, joinWords } from './scripts.ts';
import { type CaptionLook, captionLook, safeZone } from './styles.ts';

export function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/** Text as libass shows it literally: no override blocks, no line-break escapes. */
export function assEscape(text: string): string {
  return text
    .replace(/\\/g, '\u29F5')
    .replace(/[{}]/g, (c) => (c === '{' ? '(' : ')'))
    .replace(/\n/g, ' ');
}

/** Groups sized for a look: at most two lines of it (libass wraps at spaces, never inside a word). */
export function groupOptionsFor(look: CaptionLook): GroupOptions {
  const cap = { pop: 20, karaoke: 32, minimal: 42, boxed: 36 }[look.name];
  return { ...DEFAULT_GROUPS, maxChars: Math.min(cap, Math.floor(1.7 * look.lineChars)), lineChars: look.lineChars };
}

/**
 * Encoding -1: libass finds each line's base direction from its text and lays it out as one
 * paragraph, so a right-to-left line (Arabic, Hebrew) keeps its word order whichever word is
 * highlighted; with 1 (VSFilter's default) every override block was its own left-to-right run.
 */
function styleLine(name: string, look: CaptionLook, o: { size?: number; alignment?: number; marginV?: number; borderStyle?: number } = {}): string {
  const bold = -1;
  return `Style: ${name},${look.font},${o.size ?? look.size},${look.text},${look.active},${look.outlineColour},${look.backColour},${bold},0,0,0,100,100,0,0,${o.borderStyle ?? look.borderStyle},${look.outline},${look.shadow},${o.alignment ?? look.alignment},${look.marginL},${look.marginR},${o.marginV ?? look.marginV},-1`;
}

/** The spoken word's override, per look. */
function activeTag(look: CaptionLook): string {
  const box = look.activeBox ? `\\3c${look.activeBox.colour}\\bord${look.activeBox.width}` : '';
  const pop = look.pop !== 100 ? `\\fscx${look.pop}\\fscy${look.pop}` : '';
  return `{\\c${look.active}${pop}${box}}`;
}

export interface HookTitle {
  text: string;
  /** Seconds from the clip start it stays up. */
  untilSec: number;
}

/**
 * Burned captions for a clip in one look, on `frame`. A word longer than a line shrinks the group
 * it is in until it fits (a long compound or a URL never leaves the frame); `hook`: the clip's
 * title over its first seconds, at the top, inside the safe zone.
 */
export function buildAss(
  groups: CaptionGroup[],
  frame: { width: number; height: number },
  look: CaptionLook = captionLook('pop', frame),
  hook?: HookTitle,
): string {
  const zone = safeZone(frame);
  const hookSize = Math.round(Math.min(frame.width, frame.height) * 0.058);
  const header = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${frame.width}`,
    `PlayResY: ${frame.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    styleLine('Caption', look),
    styleLine(
      'Hook',
      { ...look, outline: Math.max(10, Math.round(hookSize * 0.25)), outlineColour: '&H20000000', backColour: '&H20000000', text: '&H00FFFFFF' },
      {
        size: hookSize,
        alignment: 8,
        marginV: Math.round(frame.height * (zone.top + 0.04)),
        borderStyle: 3,
      },
    ),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const events: string[] = [];
  if (hook?.text) events.push(`Dialogue: 1,${assTime(0)},${assTime(hook.untilSec)},Hook,,0,0,0,,{\\fad(150,300)}${assEscape(hook.text)}`);
  const shown = (w: string) => assEscape(look.uppercase ? w.toUpperCase() : w);
  for (const group of groups) {
    const longest = Math.max(...group.words.map((w) => displayWidth(w.w)));
    const fit = longest > look.lineChars ? `{\\fs${Math.floor((look.size * look.lineChars) / longest)}}` : '';
    group.words.forEach((word, i) => {
      const start = i === 0 ? group.start : word.start;
      const next = group.words[i + 1];
      const end = next ? next.start : group.end;
      if (end <= start) return;
      const text = joinWords(
        group.words.map((w) => w.w),
        (w, k) => (k === i ? highlighted(w, `${activeTag(look)}`, `{\\r}${fit}`, shown) : shown(w)),
      );
      events.push(`Dialogue: 0,${assTime(start)},${assTime(end)},Caption,,0,0,0,,${fit}${text}`);
    });
  }
  return [...header, ...events, ''].join('\n');
}

/**
 * The spoken word inside the highlight, its punctuation outside: Whisper's words carry it
 * ("company." "¿Qué"), and a highlighted full stop reads as part of the word.
 */
function highlighted(word: string, open: string, close: string, shown: (w: string) => string): string {
  const m = /^(\p{P}*)(.*?)(\p{P}*)$/su.exec(word);
  if (!m?.[2]) return `${open}${shown(word)}${close}`;
  return `${shown(m[1]!)}${open}${shown(m[2])}${close}${shown(m[3]!)}`;
}
