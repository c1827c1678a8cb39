// Burned-in captions as ASS (rendered by libass inside FFmpeg): the whole group on screen, the
// spoken word highlighted. One event per word lasting until the next word, so nothing flickers.
import type { CaptionGroup } from './groups.ts';

export interface CaptionStyle {
  font: string;
  size: number;
  /** ASS colours are &HAABBGGRR. */
  active: string;
  inactive: string;
  outline: number;
  /** Distance of the caption's bottom from the frame's bottom, clear of the platforms' UI. */
  marginV: number;
  /** Scale of the active word, in percent: a small pop reads well, a big one looks jumpy. */
  pop: number;
}

export const DEFAULT_STYLE: CaptionStyle = {
  font: 'DejaVu Sans',
  size: 84,
  active: '&H0000E5FF',
  inactive: '&H00F0F0F0',
  outline: 6,
  marginV: 520,
  pop: 107,
};

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

export function buildAss(groups: CaptionGroup[], frame: { width: number; height: number }, style: CaptionStyle = DEFAULT_STYLE): string {
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
    `Style: Caption,${style.font},${style.size},${style.inactive},${style.active},&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,${style.outline},2,2,60,60,${style.marginV},1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const events: string[] = [];
  for (const group of groups) {
    group.words.forEach((word, i) => {
      const start = i === 0 ? group.start : word.start;
      const next = group.words[i + 1];
      const end = next ? next.start : group.end;
      if (end <= start) return;
      const text = group.words
        .map((w, k) =>
          k === i ? `{\\c${style.active}\\fscx${style.pop}\\fscy${style.pop}}${assEscape(w.w.toUpperCase())}{\\r}` : assEscape(w.w.toUpperCase()),
        )
        .join(' ');
      events.push(`Dialogue: 0,${assTime(start)},${assTime(end)},Caption,,0,0,0,,${text}`);
    });
  }
  return [...header, ...events, ''].join('\n');
}
