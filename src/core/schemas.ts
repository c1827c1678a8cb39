// The contracts between stages. Every stage input and output crosses a state machine boundary
// (in-process locally, Step Functions on AWS), so each is a zod schema parsed on entry.
import { z } from 'zod';
import { option } from './optionWords.ts';
import { LanguageOptionSchema } from './spokenLanguage.ts';
import { ID_PATTERN } from './jobId.ts';
import { ASPECTS } from '../media/frames.ts';
import { CAPTION_STYLES } from '../captions/styles.ts';

export const WordSchema = z.object({
  w: z.string().min(1),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
});
export type Word = z.infer<typeof WordSchema>;

export const TranscriptSchema = z.object({
  provider: z.string(),
  model: z.string(),
  language: z.string().optional(),
  audioSeconds: z.number().nonnegative(),
  words: z.array(WordSchema),
});
export type Transcript = z.infer<typeof TranscriptSchema>;

/** The page a source came from, when it was a page link (src/core/ports.ts PageInfo). */
export const PageInfoSchema = z.object({
  url: z.string(),
  title: z.string(),
  uploader: z.string().optional(),
  duration: z.number().optional(),
  extractor: z.string(),
  id: z.string(),
});

export const SourceInfoSchema = z.object({
  path: z.string(),
  duration: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  page: PageInfoSchema.optional(),
  /** Stored pixels' width over height when not square; the width above is already as displayed. */
  sar: z.number().positive().optional(),
  interlaced: z.boolean().optional(),
  /** High dynamic range (PQ or HLG): tone-mapped to SDR in the render. */
  hdr: z.enum(['pq', 'hlg']).optional(),
  /** The picture inside black bars (decoded pixels), cut before framing; width and height above are the picture's. */
  bars: z.object({ x: z.number().int(), y: z.number().int(), w: z.number().int(), h: z.number().int() }).optional(),
  /** The audio track the speech is taken from (from 0), and why, when the source has several. */
  audioTrack: z.number().int().min(0).optional(),
  audioTrackWhy: z.string().optional(),
});
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

/** How clips are framed: src/stages/track.ts decides per clip under auto. */
export const LAYOUTS = ['auto', 'follow', 'fit', 'split'] as const;

export const JobOptionsSchema = z
  .object({
    /** An exact count, or 'auto': as many as the source's length and the candidates' quality support (src/scoring/clipCount.ts). */
    clips: z.union([z.literal('auto'), z.number().int().min(1).max(50)]).default('auto'),
    minSec: z.number().min(3).default(20),
    maxSec: z.number().max(600).default(60),
    maxDurationSec: z
      .number()
      .positive()
      .default(4 * 3600),
    concurrency: z.number().int().min(1).max(16).default(2),
    /** How many first-pass candidates go to the Scorer (the model, when one is set). */
    shortlist: z.number().int().min(1).max(50).default(8),
    /** A page link's own captions as the transcript (false: transcribe the audio instead). */
    pageCaptions: z.boolean().default(true),
    /** The tallest picture fetched from a page link. */
    maxHeight: z.number().int().min(144).max(4320).default(1080),
    /** The output frame: 9:16, 1:1, 4:5 or 16:9 (src/media/frames.ts). */
    aspect: z.enum(ASPECTS).default('9:16'),
    /** follow: a crop that follows the face; fit: the whole frame over a blurred fill; auto: per clip. */
    layout: z.enum(LAYOUTS).default('auto'),
    /** How captions look (src/captions/styles.ts). */
    captionStyle: z.enum(CAPTION_STYLES).default('pop'),
    /** The clip's title over its first seconds. */
    hookTitle: z.boolean().default(false),
    /** Which audio track carries the speech, counted from 1; unset: the loudest (src/stages/audioTrack.ts). */
    audioTrack: z.number().int().min(1).max(64).optional(),
    /** The spoken language as an ISO 639-1 code, or auto: detected (offline) or left to the API. */
    language: LanguageOptionSchema,
  })
  .refine((o) => o.minSec < o.maxSec, { message: `${option('minSec')} must be less than ${option('maxSec')}` });
export type JobOptions = z.infer<typeof JobOptionsSchema>;

export const ClipPlanSchema = z.object({
  rank: z.number().int().positive(),
  start: z.number().nonnegative(),
  end: z.number().positive(),
  score: z.number().min(0).max(100),
  title: z.string(),
  reason: z.string(),
  /** The opening line that grabs attention, when the model named one. */
  hook: z.string().optional(),
  text: z.string(),
  /** 1 as the job made it; each re-render by hand adds one (src/editing/). */
  version: z.number().int().min(1).optional(),
});
export type ClipPlan = z.infer<typeof ClipPlanSchema>;

const CropSizeSchema = z.object({ w: z.number().int().positive(), h: z.number().int().positive() });
const PathPointsSchema = z.array(z.object({ t: z.number(), cx: z.number().min(0).max(1), cy: z.number().min(0).max(1) })).min(1);

/** Two people side by side: the share of the clip they are held apart, and a crop path for each. */
export const PairSchema = z.object({
  share: z.number().min(0).max(1),
  crop: CropSizeSchema.optional(),
  left: PathPointsSchema.optional(),
  right: PathPointsSchema.optional(),
});

/** The people a tracker saw in a clip, as choices to follow: where each sat (fractions of the frame) and in what share of the samples. */
export const PeopleSchema = z.array(z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1), share: z.number().min(0).max(1) }));
/** A place in the frame (fractions of it): a person to follow is the face nearest it. */
export const PlaceSchema = z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });

/** Crop centre over time; t in seconds from the start of the source, cx/cy fractions of it. */
export const CropPathSchema = z.object({
  crop: CropSizeSchema,
  path: PathPointsSchema,
  fallback: z.string().nullable(),
  pair: PairSchema.optional(),
  /** How the clip is framed (decided per clip under layout auto), and why. */
  layout: z.enum(['follow', 'fit', 'split']).default('follow'),
  layoutWhy: z.string().optional(),
  /** The people seen, when the tracker looked (an edit offers them as choices to follow). */
  people: PeopleSchema.optional(),
});
export type CropPath = z.infer<typeof CropPathSchema>;
/** What a face tracker gives: the crop's path, before the layout is decided. */
export type TrackedPath = Pick<CropPath, 'crop' | 'path' | 'fallback' | 'pair' | 'people'> & {
  /** Share of sampled frames with a face (0-1), when the tracker looked; undefined when it could not. */
  faces?: number | undefined;
};

export const RenderedClipSchema = z.object({
  file: z.string(),
  srt: z.string(),
  vtt: z.string(),
  thumbnail: z.string(),
});
export type RenderedClip = z.infer<typeof RenderedClipSchema>;

// State machine payloads.
export const JobInputSchema = z.object({
  jobId: z.string().regex(ID_PATTERN),
  source: z.string().min(1),
  /** An SRT/VTT file that comes with the video: used instead of transcribing. */
  captions: z.string().min(1).optional(),
  /** How the user knows the source (an upload's file name), for messages and the manifest: never a server path. */
  sourceName: z.string().min(1).optional(),
  captionsName: z.string().min(1).optional(),
  options: JobOptionsSchema,
});
export type JobInput = z.infer<typeof JobInputSchema>;

export const IngestOutputSchema = z.object({
  sourceFile: z.string(),
  audioKey: z.string(),
  captionsKey: z.string().nullable(),
  /** A page video's extractor and id ("youtube:abc123def45"), which keys the transcript cache too; null for files and media URLs. */
  sourceId: z.string().nullable(),
  source: SourceInfoSchema,
});
export type IngestOutput = z.infer<typeof IngestOutputSchema>;

export const ClipTaskSchema = z.object({
  jobId: z.string(),
  sourceFile: z.string(),
  source: SourceInfoSchema,
  transcriptKey: z.string(),
  clip: ClipPlanSchema,
  /** The job's options: the frame, layout and caption style the clip is made with. */
  options: JobOptionsSchema.default(JobOptionsSchema.parse({})),
  /** An edit asked for a split clip's parts the other way round (src/editing/). */
  swapParts: z.boolean().optional(),
  /** An edit chose the person to follow: the face nearest this place. */
  follow: PlaceSchema.optional(),
  /** Set when the clip is re-rendered by an edit: its progress goes out as the edit's, not the job's. */
  renderId: z.string().optional(),
});
export type ClipTask = z.infer<typeof ClipTaskSchema>;

export const ClipResultSchema = z.object({
  clip: ClipPlanSchema,
  crop: CropPathSchema,
  output: RenderedClipSchema,
});
export type ClipResult = z.infer<typeof ClipResultSchema>;
/** A clip that could not be made (the ClipFailed state): its plan and what the Catch caught. */
export const ClipFailureSchema = z.object({
  clip: ClipPlanSchema,
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
});
/** What each iteration of the clips Map gives Finalize. */
export const ClipOutcomeSchema = z.union([ClipResultSchema, ClipFailureSchema]);

export const ManifestSchema = z.object({
  jobId: z.string(),
  source: z.object({
    path: z.string(),
    duration: z.number(),
    width: z.number(),
    height: z.number(),
    page: PageInfoSchema.optional(),
    /** The spoken language (ISO 639-1), as the transcriber named or heard it. */
    language: z.string().optional(),
    /** Which audio track (from 1) the speech came from, and why, when there were several. */
    audioTrack: z.object({ number: z.number().int(), why: z.string() }).optional(),
  }),
  /** The clips' frame and look, as the job asked. */
  output: z
    .object({
      aspect: z.enum(ASPECTS),
      width: z.number().int(),
      height: z.number().int(),
      layout: z.enum(LAYOUTS),
      captionStyle: z.enum(CAPTION_STYLES),
      hookTitle: z.boolean(),
    })
    .optional(),
  clips: z.array(
    ClipPlanSchema.extend({
      duration: z.number(),
      file: z.string(),
      srt: z.string(),
      vtt: z.string(),
      thumbnail: z.string(),
      crop: z.object({ fallback: z.string().nullable() }),
      /** How the clip is framed and why (layout auto decides per clip). */
      layout: z.object({ kind: z.enum(['follow', 'fit', 'split']), why: z.string() }).optional(),
      /** The clip's own frame and caption look, when an edit set it apart from the job's. */
      look: z.object({ aspect: z.enum(ASPECTS), layout: z.enum(LAYOUTS), captionStyle: z.enum(CAPTION_STYLES), hookTitle: z.boolean() }).optional(),
      /** Made by hand (POST /jobs/{id}/clips, clipforge edit --new) rather than picked by the scorer. */
      byHand: z.boolean().optional(),
      /** The re-renders that made this version: when, which version, what changed. */
      edits: z.array(z.object({ at: z.string(), version: z.number().int(), changed: z.array(z.string()) })).optional(),
    }),
  ),
  /** Clips that were chosen but could not be made, and why (the others were made). */
  failedClips: z.array(z.object({ rank: z.number().int(), start: z.number(), end: z.number(), title: z.string(), error: z.string() })).optional(),
  timings: z.record(z.string(), z.number()),
  usage: z.object({
    audioMinutes: z.number(),
    transcriber: z.string(),
    scorer: z.string(),
    /** API requests of all models, retries included. */
    requests: z.number().int(),
    llmRequests: z.number().int(),
    tokensIn: z.number().int(),
    tokensOut: z.number().int(),
    cacheHits: z.number().int(),
    models: z.record(
      z.string(),
      z.object({
        requests: z.number().int(),
        audioMinutes: z.number(),
        tokensIn: z.number().int(),
        tokensOut: z.number().int(),
        costUsd: z.number().nullable(),
      }),
    ),
    estimatedCostUsd: z.number(),
    /** Models the price table does not list (their cost is not in the estimate). */
    unpriced: z.array(z.string()),
  }),
  createdAt: z.string(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export type StageName = 'ingest' | 'transcribe' | 'score' | 'track' | 'render' | 'finalize';
/** A job's last event is `finalize` at 100% when it succeeded, `failed` (with the reason) when not. */
export type ProgressStage = StageName | 'failed';
export interface ProgressEvent {
  jobId: string;
  stage: ProgressStage;
  pct: number;
  message: string;
}
