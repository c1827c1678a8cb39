// Black bars around the picture (a 2.39:1 film inside 1920x1080, a 4:3 show pillarboxed in
// 16:9): found with FFmpeg's cropdetect at a few points of the video and cut before framing, or a
// quarter of a 9:16 frame was black.

import { sourceInput } from './sourceRead.ts';

export interface Bars {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Bars thinner than this share of the frame (both sides together) are kept: a stray dark edge is not letterboxing. */
const MIN_BARS = 0.04;
/** A "picture" under this share of the frame is a dark scene, not a letterbox. */
const MIN_PICTURE = 0.5;

/** cropdetect over a few seconds from each of these points (shares of the video). */
export const BAR_SAMPLES = [0.2, 0.5, 0.8];

export function cropdetectArgs(input: string, at: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'info',
    '-ss',
    at.toFixed(3),
    ...sourceInput(input),
    '-t',
    '3',
    '-vf',
    'fps=2,cropdetect=limit=24:round=2:reset=0',
    '-an',
    '-f',
    'null',
    '-',
  ];
}

/** The last crop cropdetect settled on in its output. */
export function parseCropdetect(stderr: string): Bars | undefined {
  const all = [...stderr.matchAll(/crop=(\d+):(\d+):(\d+):(\d+)/g)];
  const m = all.at(-1);
  return m ? { w: Number(m[1]), h: Number(m[2]), x: Number(m[3]), y: Number(m[4]) } : undefined;
}

/** Bars are the same on both sides (a letterbox is centred); a dark edge on one side is picture. */
const symmetric = (before: number, after: number, size: number) => Math.abs(before - after) <= Math.max(4, size * 0.01);

/**
 * The picture inside the bars, from each sample point's crop: their union (a bright scene shows
 * where the picture really ends), on one axis only — top and bottom (letterbox) or else the sides
 * (pillarbox). Dark sides around a lit panel are common picture (a talk's slide, a night scene);
 * bars on all four sides are rare. Kept only if centred, thick enough, and leaving enough.
 */
export function barsFrom(crops: Array<Bars | undefined>, frame: { width: number; height: number }): Bars | undefined {
  const seen = crops.filter((c): c is Bars => c !== undefined && c.w > 0 && c.h > 0);
  if (!seen.length) return undefined;
  const x = Math.min(...seen.map((c) => c.x));
  const y = Math.min(...seen.map((c) => c.y));
  const w = Math.max(...seen.map((c) => c.x + c.w)) - x;
  const h = Math.max(...seen.map((c) => c.y + c.h)) - y;
  const letterbox = 1 - h / frame.height >= MIN_BARS && symmetric(y, frame.height - y - h, frame.height);
  const pillarbox = 1 - w / frame.width >= MIN_BARS && symmetric(x, frame.width - x - w, frame.width);
  const bars = letterbox ? { x: 0, y, w: frame.width, h } : pillarbox ? { x, y: 0, w, h: frame.height } : undefined;
  if (!bars || (bars.w * bars.h) / (frame.width * frame.height) < MIN_PICTURE) return undefined;
  return bars;
}
