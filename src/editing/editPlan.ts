// An edit, worked out before any FFmpeg runs: the clip's new plan (bounds, text, title), look,
// corrections and framing, and whether its face path must be tracked again. Pure, so both
// runtimes and the CLI get the same answer, and bad edits are refused before anything changes.
import { InputError } from '../core/errors.ts';
import type { ClipPlan, CropPath, JobOptions, Manifest, Word } from '../core/schemas.ts';
import { joinWords } from '../captions/scripts.ts';
import { combine, features, reasonFrom } from '../scoring/firstPass.ts';
import { titleFrom } from '../scoring/titles.ts';
import { snapBounds, wordRange } from './bounds.ts';
import { checkCorrections, correctedWords, mergeCorrections } from './corrections.ts';
import type { ClipEdit, ClipKeep, Correction, Framing, Look, NewClip } from './editSchemas.ts';
import { centreCrop } from '../media/cropGeometry.ts';
import { aspectRatio } from '../media/frames.ts';
import { round3 } from '../core/numbers.ts';

export type ManifestClip = Manifest['clips'][number];

export interface EditPlan {
  plan: ClipPlan & { version: number };
  look: Look;
  corrections: Correction[];
  framing: Exclude<Framing, 'auto'> | undefined;
  /** The kept crop path still fits (same bounds and frame): no tracking. */
  crop: CropPath | undefined;
  /** Swap the split's parts of the crop (kept or tracked). */
  applySwap: boolean;
  /** The person to follow when tracked (chosen by hand now or in an earlier edit). */
  follow: { x: number; y: number } | undefined;
  /** What changed, for the manifest's record of edits. */
  changed: string[];
}

export function lookOf(options: JobOptions, kept?: Look): Look {
  return kept ?? { aspect: options.aspect, layout: options.layout, captionStyle: options.captionStyle, hookTitle: options.hookTitle };
}

/** The words of a clip's range after its corrections, as its text. */
function textOf(words: Word[], corrections: Correction[], start: number, end: number): string {
  const shown = correctedWords(words, corrections).filter((w) => w.end > start && w.start < end);
  return joinWords(shown.map((w) => w.w));
}

export function clipLabel(rank: number): string {
  return `clip ${rank}`;
}

/** The manifest's clip of that rank, or an error that lists the ranks there are. */
export function findClip(manifest: Manifest, rank: number): ManifestClip {
  const clip = manifest.clips.find((c) => c.rank === rank);
  if (!clip) {
    const ranks = manifest.clips.map((c) => c.rank);
    throw new NoSuchClip(`job ${manifest.jobId} has no clip ${rank} (its clips: ${ranks.join(', ') || 'none'})`);
  }
  return clip;
}

export class NoSuchClip extends InputError {
  override name = 'NoSuchClip';
}

export function planEdit(args: {
  words: Word[];
  sourceSec: number;
  frame: { width: number; height: number };
  options: JobOptions;
  clip: ManifestClip;
  /** Undefined for a clip the job kept nothing for: tracked again. */
  keep: ClipKeep | undefined;
  edit: ClipEdit;
}): EditPlan {
  const { words, clip, keep, edit } = args;
  const label = clipLabel(clip.rank);
  const changed: string[] = [];
  let { start, end } = clip;
  if (edit.start !== undefined || edit.end !== undefined || edit.snap === 'sentence') {
    const snapped = snapBounds(words, { start: edit.start ?? clip.start, end: edit.end ?? clip.end, snap: edit.snap }, args.sourceSec);
    if (snapped.start !== clip.start || snapped.end !== clip.end) changed.push('bounds');
    ({ start, end } = snapped);
  }
  const range = wordRange(words, start, end);
  checkCorrections(edit.corrections, words, range, label);
  // Corrections of words the new bounds leave out go with them.
  const inside = (keep?.corrections ?? []).filter((c) => range && c.from >= range.first && c.to <= range.last);
  const corrections = mergeCorrections(inside, edit.corrections);
  if (edit.corrections.length) changed.push('captions');
  const before = lookOf(args.options, keep?.look);
  const look: Look = {
    aspect: edit.aspect ?? before.aspect,
    layout: edit.layout ?? before.layout,
    captionStyle: edit.captionStyle ?? before.captionStyle,
    hookTitle: edit.hookTitle ?? before.hookTitle,
  };
  for (const k of ['aspect', 'layout', 'captionStyle', 'hookTitle'] as const) if (look[k] !== before[k]) changed.push(k);
  // Swap is a toggle: a second swap puts the parts back.
  const keptFraming = keep?.framing === 'auto' ? undefined : keep?.framing;
  const asksSwap = !!edit.framing && edit.framing !== 'auto' && 'swap' in edit.framing;
  const wasSwapped = !!keptFraming && 'swap' in keptFraming;
  let framing: Exclude<Framing, 'auto'> | undefined;
  if (edit.framing === 'auto') framing = undefined;
  else if (edit.framing && ('pin' in edit.framing || 'follow' in edit.framing)) framing = edit.framing;
  else if (asksSwap) framing = wasSwapped ? undefined : { swap: true };
  else framing = keptFraming;
  if (edit.framing !== undefined) changed.push('framing');
  if (edit.title !== undefined && edit.title !== clip.title) changed.push('title');
  if (!changed.length) throw new InputError(`the edit changes nothing in ${label}`);

  let crop: CropPath | undefined;
  const sameFrame = start === clip.start && end === clip.end && look.aspect === before.aspect && look.layout === before.layout;
  if (framing && 'pin' in framing) crop = pinnedCrop(args.frame, look, framing.pin, start);
  else if (sameFrame && edit.framing !== 'auto') crop = keep?.crop;
  if (asksSwap && crop && crop.layout !== 'split') {
    throw new InputError(`${label} is not split in two, so there are no parts to swap (give layout "split" to split it)`);
  }
  // A kept crop already shows the kept swap; a tracked one shows none.
  const applySwap = crop ? asksSwap : !!framing && 'swap' in framing;
  if (edit.framing && edit.framing !== 'auto' && 'follow' in edit.framing) crop = undefined; // tracked again, following the one chosen
  if (edit.framing && edit.framing !== 'auto' && 'follow' in edit.framing && look.layout !== 'follow' && look.layout !== 'auto') {
    throw new InputError(`${label} is framed as "${look.layout}": following a person needs layout "follow" or "auto"`);
  }
  const follow = framing && 'follow' in framing ? framing.follow : undefined;
  return {
    plan: {
      rank: clip.rank,
      start,
      end,
      score: clip.score,
      title: edit.title ?? clip.title,
      reason: clip.reason,
      ...(clip.hook ? { hook: clip.hook } : {}),
      text: textOf(words, corrections, start, end),
      version: (clip.version ?? 1) + 1,
    },
    look,
    corrections,
    framing,
    crop,
    applySwap,
    follow,
    changed,
  };
}

/** The crop held still where the person put it, in the clip's frame. */
function pinnedCrop(frame: { width: number; height: number }, look: Look, pin: { x: number; y: number }, start: number): CropPath {
  const { crop } = centreCrop(frame, null, aspectRatio(look.aspect));
  const at = `${Math.round(pin.x * 100)}%, ${Math.round(pin.y * 100)}%`;
  return { crop, path: [{ t: start, cx: pin.x, cy: pin.y }], fallback: null, layout: 'follow', layoutWhy: `pinned by hand at ${at} of the frame` };
}

/** A clip by hand: bounds snapped like an edit's, scored by the first pass, titled unless given, ranked after the others. */
export function planNewClip(args: { words: Word[]; sourceSec: number; options: JobOptions; rank: number; req: NewClip }): EditPlan {
  const { words, req } = args;
  const { start, end } = snapBounds(words, { start: req.start, end: req.end, snap: req.snap }, args.sourceSec);
  const range = wordRange(words, start, end);
  const inside = range ? words.slice(range.first, range.last + 1) : [];
  let score = 0;
  let reason = 'Made by hand.';
  if (range) {
    const win = {
      first: range.first,
      last: range.last,
      start,
      end,
      gapBefore: range.first > 0 ? Math.max(0, words[range.first]!.start - words[range.first - 1]!.end) : words[range.first]!.start,
      gapAfter: range.last + 1 < words.length ? Math.max(0, words[range.last + 1]!.start - words[range.last]!.end) : 1,
    };
    const f = features(words, win);
    score = combine(f);
    reason = `Made by hand. ${reasonFrom(f, joinWords(inside.slice(0, 8).map((w) => w.w)))}`;
  }
  const look = lookOf(args.options);
  const withLook: Look = {
    aspect: req.aspect ?? look.aspect,
    layout: req.layout ?? look.layout,
    captionStyle: req.captionStyle ?? look.captionStyle,
    hookTitle: req.hookTitle ?? look.hookTitle,
  };
  return {
    plan: {
      rank: args.rank,
      start,
      end,
      score: round3(score),
      title: req.title ?? (inside.length ? titleFrom(inside) : `Clip ${args.rank}`),
      reason,
      text: joinWords(inside.map((w) => w.w)),
      version: 1,
    },
    look: withLook,
    corrections: [],
    framing: undefined,
    crop: undefined,
    applySwap: false,
    follow: undefined,
    changed: ['new'],
  };
}
