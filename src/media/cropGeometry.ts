// Geometry of a vertical crop out of a wider frame, and the FFmpeg expressions that move it.
import type { CropPath, TrackedPath } from '../core/schemas.ts';
import { round3 } from '../core/numbers.ts';

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/** The largest crop of the target aspect ratio that fits in the frame, even-sized. */
export function cropSize(frame: { width: number; height: number }, aspect = 9 / 16): { w: number; h: number } {
  if (frame.width / frame.height > aspect) return { w: even(frame.height * aspect), h: even(frame.height) };
  return { w: even(frame.width), h: even(frame.width / aspect) };
}

export function centreCrop(frame: { width: number; height: number }, reason: string | null = null, aspect = 9 / 16): TrackedPath {
  return { crop: cropSize(frame, aspect), path: [{ t: 0, cx: 0.5, cy: 0.5 }], fallback: reason };
}

/** Top-left offset for a crop centre, kept inside the frame and on an even pixel. */
export function offsetFor(centre: number, cropLen: number, frameLen: number): number {
  const max = frameLen - cropLen;
  return Math.max(0, Math.min(max, Math.round((centre * frameLen - cropLen / 2) / 2) * 2));
}

const MAX_KEYFRAMES = 60;

/**
 * A piecewise-linear expression in t (seconds from the clip start) through the path's points,
 * so the crop moves inside the same FFmpeg pass that encodes. Paths longer than the limit are
 * thinned first: FFmpeg's expression parser nests one level per point.
 */
export function offsetExpression(points: Array<{ t: number; v: number }>): string {
  const pts = thin(points);
  if (pts.length === 1) return String(pts[0]!.v);
  let expr = String(pts[pts.length - 1]!.v);
  for (let i = pts.length - 2; i >= 0; i--) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const seg = a.v === b.v || b.t <= a.t ? `${a.v}` : `${a.v}+(${b.v - a.v})*(t-${fmt(a.t)})/${fmt(b.t - a.t)}`;
    expr = `if(lt(t,${fmt(b.t)}),${seg},${expr})`;
  }
  // Before the first point the crop holds there.
  return `if(lt(t,${fmt(pts[0]!.t)}),${pts[0]!.v},${expr})`;
}

function thin<T extends { t: number; v: number }>(points: T[]): T[] {
  const dedup = points.filter((p, i) => i === 0 || i === points.length - 1 || p.v !== points[i - 1]!.v || p.v !== points[i + 1]!.v);
  if (dedup.length <= MAX_KEYFRAMES) return dedup;
  const step = (dedup.length - 1) / (MAX_KEYFRAMES - 1);
  return Array.from({ length: MAX_KEYFRAMES }, (_, k) => dedup[Math.round(k * step)]!);
}

const fmt = (n: number) => String(round3(n));

/** The crop filter for a path, with times shifted to the clip's own clock. */
export function cropFilter(path: TrackedPath, frame: { width: number; height: number }, clipStart: number): string {
  const { w, h } = path.crop;
  const xs = path.path.map((p) => ({ t: Math.max(0, p.t - clipStart), v: offsetFor(p.cx, w, frame.width) }));
  const ys = path.path.map((p) => ({ t: Math.max(0, p.t - clipStart), v: offsetFor(p.cy, h, frame.height) }));
  return `crop=w=${w}:h=${h}:x='${offsetExpression(xs)}':y='${offsetExpression(ys)}'`;
}

/** A split clip's two parts swapped (the top part goes to the bottom), as a person asked in an edit. */
export function swapped(crop: CropPath): CropPath {
  if (!crop.pair) return crop;
  const { left, right } = crop.pair;
  return {
    ...crop,
    pair: { ...crop.pair, ...(right ? { left: right } : {}), ...(left ? { right: left } : {}) },
    layoutWhy: `${crop.layoutWhy ?? 'split'}; parts swapped by hand`,
  };
}
