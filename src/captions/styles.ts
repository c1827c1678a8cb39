// Caption styles, each laid out for the frame it goes on: text size follows the frame, at most two
// lines, and every style stays inside the platforms' safe zone. TikTok, Reels and Shorts cover
// roughly the bottom 20% and the right 15% of a vertical frame with their buttons and captions,
// and the top ~10% with the account bar; feed posts (1:1, 4:5) and 16:9 players cover less.

export const CAPTION_STYLES = ['pop', 'karaoke', 'minimal', 'boxed'] as const;
export type CaptionStyleName = (typeof CAPTION_STYLES)[number];

/** Fractions of the frame each side that the platforms' overlays cover. */
export interface SafeZone {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Vertical frames carry the short-video apps' buttons on the right and their text at the bottom. */
export function safeZone(frame: { width: number; height: number }): SafeZone {
  const vertical = frame.height / frame.width > 1.5;
  const portrait = frame.height > frame.width;
  if (vertical) return { top: 0.1, bottom: 0.2, left: 0.05, right: 0.15 };
  if (portrait) return { top: 0.08, bottom: 0.14, left: 0.05, right: 0.1 }; // 4:5 in a feed
  return { top: 0.06, bottom: 0.1, left: 0.05, right: 0.05 }; // 1:1 feeds, 16:9 players
}

export interface CaptionLook {
  name: CaptionStyleName;
  font: string;
  /** Font size in pixels of the frame. */
  size: number;
  uppercase: boolean;
  /** ASS colours are &HAABBGGRR. */
  text: string;
  active: string;
  outlineColour: string;
  backColour: string;
  outline: number;
  shadow: number;
  /** 1: outline and shadow; 3: an opaque box behind each line. */
  borderStyle: 1 | 3;
  /** Scale of the active word, in percent. */
  pop: number;
  /** An outline of this colour and width around the active word only: a highlighter behind it. */
  activeBox?: { colour: string; width: number };
  /** ASS numpad alignment: 2 bottom centre, 1 bottom left. */
  alignment: 1 | 2;
  marginL: number;
  marginR: number;
  /** Distance of the text's bottom from the frame's bottom. */
  marginV: number;
  /** Characters that fit on one line (an estimate from the font's average advance). */
  lineChars: number;
}

/** DejaVu Sans Bold's average advance for caption text is about 0.62 of its size (measured on libass renders of these styles). */
const ADVANCE = 0.62;

export function captionLook(name: CaptionStyleName, frame: { width: number; height: number }): CaptionLook {
  const zone = safeZone(frame);
  const short = Math.min(frame.width, frame.height);
  const px = (f: number) => Math.round(f);
  const base = {
    font: 'DejaVu Sans',
    marginL: px(frame.width * Math.max(zone.left, 0.06)),
    marginR: px(frame.width * Math.max(zone.right, 0.06)),
    // The caption's bottom sits above the covered band, with a little air.
    marginV: px(frame.height * (zone.bottom + 0.05)),
    alignment: 2 as const,
    pop: 100,
    shadow: 0,
    backColour: '&H80000000',
    outlineColour: '&H00000000',
  };
  const looks: Record<CaptionStyleName, Omit<CaptionLook, 'lineChars'>> = {
    // Today's look: bold capitals, the spoken word in yellow and a little larger.
    pop: {
      ...base,
      name: 'pop',
      size: px(short * 0.078),
      uppercase: true,
      text: '&H00F0F0F0',
      active: '&H0000E5FF',
      outline: 6,
      borderStyle: 1,
      pop: 107,
      shadow: 2,
    },
    // The spoken word on a coloured marker, like a karaoke line.
    karaoke: {
      ...base,
      name: 'karaoke',
      size: px(short * 0.07),
      uppercase: false,
      text: '&H00FFFFFF',
      active: '&H00FFFFFF',
      outline: 4,
      borderStyle: 1,
      activeBox: { colour: '&H00D05A1E', width: Math.max(8, px(short * 0.012)) },
    },
    // A quiet lower third: smaller, sentence case, left-aligned, a soft shadow.
    minimal: {
      ...base,
      name: 'minimal',
      size: px(short * 0.05),
      uppercase: false,
      text: '&H00D8D8D8',
      active: '&H00FFFFFF',
      outline: 0,
      shadow: 3,
      borderStyle: 1,
      alignment: 1,
      marginV: px(frame.height * (zone.bottom + 0.02)),
    },
    // Subtitles on a dark translucent box: readable on any background.
    boxed: {
      ...base,
      name: 'boxed',
      size: px(short * 0.06),
      uppercase: false,
      text: '&H00FFFFFF',
      active: '&H0000E5FF',
      outline: Math.max(8, px(short * 0.012)),
      outlineColour: '&H60000000',
      backColour: '&H60000000',
      borderStyle: 3,
    },
  };
  const look = looks[name];
  const room = frame.width - look.marginL - look.marginR - 2 * look.outline;
  return { ...look, lineChars: Math.max(8, Math.floor(room / (look.size * ADVANCE * (look.pop / 100)))) };
}
