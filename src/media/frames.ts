// The output frames a clip can have, one per shape creators post: 9:16 (Shorts, Reels, TikTok),
// 1:1 and 4:5 (feeds), 16:9 (YouTube, LinkedIn, X). 1080 on the short side, as the platforms
// recommend.
export const ASPECTS = ['9:16', '1:1', '4:5', '16:9'] as const;
export type Aspect = (typeof ASPECTS)[number];

export const OUTPUT_FRAMES: Record<Aspect, { width: number; height: number }> = {
  '9:16': { width: 1080, height: 1920 },
  '1:1': { width: 1080, height: 1080 },
  '4:5': { width: 1080, height: 1350 },
  '16:9': { width: 1920, height: 1080 },
};

/** Width over height. */
export const aspectRatio = (a: Aspect): number => OUTPUT_FRAMES[a].width / OUTPUT_FRAMES[a].height;

/**
 * The two parts of a split frame, each following one person: stacked on a tall or square frame
 * (9:16 → two 1080x960), side by side on a wide one (16:9 → two 960x1080). Even sizes.
 */
export function splitParts(frame: { width: number; height: number }): {
  stack: 'vstack' | 'hstack';
  parts: [{ w: number; h: number }, { w: number; h: number }];
} {
  const even = (n: number) => Math.floor(n / 2) * 2;
  if (frame.width > frame.height) {
    const left = even(frame.width / 2);
    return {
      stack: 'hstack',
      parts: [
        { w: left, h: frame.height },
        { w: frame.width - left, h: frame.height },
      ],
    };
  }
  const top = even(frame.height / 2);
  return {
    stack: 'vstack',
    parts: [
      { w: frame.width, h: top },
      { w: frame.width, h: frame.height - top },
    ],
  };
}
