// What a person may change about a clip, and what a job keeps so that it can be changed: one set
// of shapes for the API (serve, and AWS when it lands), the CLI and the web page.
import { z } from 'zod';
import { CropPathSchema, JobOptionsSchema, LAYOUTS, SourceInfoSchema } from '../core/schemas.ts';
import { ASPECTS } from '../media/frames.ts';
import { CAPTION_STYLES } from '../captions/styles.ts';
import { MAX_TITLE_CHARS } from '../scoring/titles.ts';

/** The platforms' range: 3 s (the shortest a Short or Reel is worth posting) to 3 min (YouTube Shorts' cap since 2024). */
export const MIN_CLIP_SEC = 3;
export const MAX_CLIP_SEC = 180;

/**
 * Words `from`..`to` (indexes into the job's transcript, as GET /jobs/{id}/transcript lists
 * them) shown as `text`: their times are spread over the new words; empty text takes them out
 * of the captions (the speech stays in the clip).
 */
export const CorrectionSchema = z
  .object({
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
    text: z
      .string()
      .max(500)
      .transform((t) => t.trim()),
  })
  .refine((c) => c.from <= c.to, { message: 'a correction runs from a word to the same or a later word (from <= to)' });
export type Correction = z.infer<typeof CorrectionSchema>;

/** A clip's frame and caption look, each as a job's options name it. */
export const LookSchema = z.object({
  aspect: z.enum(ASPECTS),
  layout: z.enum(LAYOUTS),
  captionStyle: z.enum(CAPTION_STYLES),
  hookTitle: z.boolean(),
});
export type Look = z.infer<typeof LookSchema>;

/**
 * Framing by hand: a person to follow (the face nearest a place: one of the people the tracker
 * saw), the crop held at a place (fractions of the frame), the split's parts swapped, or the
 * tracker's choice again.
 */
export const FramingSchema = z.union([
  z.object({ follow: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }) }),
  z.object({ pin: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }) }),
  z.object({ swap: z.literal(true) }),
  z.literal('auto'),
]);
export type Framing = z.infer<typeof FramingSchema>;

const Seconds = z
  .number()
  .nonnegative()
  .max(24 * 3600);

export const ClipEditSchema = z
  .object({
    /** New bounds in seconds of the source; each moves to a word's edge (and a sentence's, with snap "sentence"). */
    start: Seconds.optional(),
    end: Seconds.optional(),
    snap: z.enum(['word', 'sentence']).default('word'),
    corrections: z.array(CorrectionSchema).max(200).default([]),
    /** A new title; unset, the clip keeps its own. */
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
    ...LookSchema.partial().shape,
    framing: FramingSchema.optional(),
  })
  .strict();
export type ClipEdit = z.infer<typeof ClipEditSchema>;

/** A clip made by hand from a stretch of the source. */
export const NewClipSchema = z
  .object({
    start: Seconds,
    end: Seconds,
    snap: z.enum(['word', 'sentence']).default('word'),
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
    ...LookSchema.partial().shape,
  })
  .strict();
export type NewClip = z.infer<typeof NewClipSchema>;

/** What a clip was made with, beyond its plan: kept for its next render. */
export const ClipKeepSchema = z.object({
  crop: CropPathSchema,
  corrections: z.array(CorrectionSchema).default([]),
  look: LookSchema.optional(),
  framing: FramingSchema.optional(),
});
export type ClipKeep = z.infer<typeof ClipKeepSchema>;

/** How a kept source is recognised again: its size and a digest (a file: the SHA-256 of its first and last MiB; an S3 object: its ETag). */
export const FingerprintSchema = z.object({ size: z.number().int().nonnegative(), digest: z.string() });
export type Fingerprint = z.infer<typeof FingerprintSchema>;

/** `job.json` beside the clips: what a re-render needs (with `transcript.json`). */
export const JobKeepSchema = z.object({
  format: z.literal(1),
  jobId: z.string(),
  source: z.object({
    /** The source file: a path on this machine, or a name in the output folder when the job fetched it. */
    file: z.string(),
    /** True when the file is the job's own copy (a fetched URL or page), kept in the output folder. */
    kept: z.boolean(),
    fingerprint: FingerprintSchema,
    info: SourceInfoSchema,
  }),
  options: JobOptionsSchema,
  /** By rank. */
  clips: z.record(z.string(), ClipKeepSchema),
});
export type JobKeep = z.infer<typeof JobKeepSchema>;

export const JOB_KEEP_FILE = 'job.json';
export const TRANSCRIPT_FILE = 'transcript.json';
