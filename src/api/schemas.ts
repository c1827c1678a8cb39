// Request and response shapes of the jobs API, shared by `clipforge serve` and the AWS HTTP API.
import { z } from 'zod';
import { JobOptionsSchema, ManifestSchema } from '../core/schemas.ts';
import { ID_PATTERN } from '../core/jobId.ts';
import { JOB_STATUSES } from '../jobs/status.ts';

export const VIDEO_TYPES = [
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'video/x-matroska',
  'video/x-msvideo',
  'video/mpeg',
  'application/octet-stream',
] as const;
/** Caption files (SRT, WebVTT) uploaded beside a video. */
export const CAPTION_TYPES = ['application/x-subrip', 'text/vtt', 'text/plain'] as const;
const UPLOAD_TYPES = [...VIDEO_TYPES, ...CAPTION_TYPES] as const;

export const CreateUploadSchema = z.object({
  filename: z.string().min(1).max(255),
  size: z.number().int().positive(),
  contentType: z.enum(UPLOAD_TYPES, { message: `contentType must be one of ${UPLOAD_TYPES.join(', ')}` }).default('application/octet-stream'),
});
export type CreateUpload = z.infer<typeof CreateUploadSchema>;

export const UploadTicketSchema = z.object({
  uploadId: z.string(),
  /** PUT the bytes here (a presigned S3 URL on AWS). */
  uploadUrl: z.string(),
  method: z.literal('PUT'),
  maxBytes: z.number().int(),
  expiresAt: z.string(),
});
export type UploadTicket = z.infer<typeof UploadTicketSchema>;

/** Longest URL and file path a request may name (browsers and servers commonly stop near 2 KB; PATH_MAX is 4 KB). */
export const MAX_URL_CHARS = 2048;
export const MAX_PATH_CHARS = 4096;

export const JobSourceSchema = z.union([
  z.object({ uploadId: z.string().regex(ID_PATTERN, 'uploadId is not one this server gave out') }),
  z.object({
    url: z.url({ protocol: /^https?$/, message: 'url must be an http(s) URL' }).max(MAX_URL_CHARS, `url must be at most ${MAX_URL_CHARS} characters`),
  }),
  /** A file on the server's machine (local server only). */
  z.object({ path: z.string().min(1).max(MAX_PATH_CHARS, `path must be at most ${MAX_PATH_CHARS} characters`) }),
]);
export type JobSource = z.infer<typeof JobSourceSchema>;

export const CreateJobSchema = z.object({
  source: JobSourceSchema,
  /** A caption file for the video, from the same kinds of places. */
  captions: JobSourceSchema.optional(),
  options: JobOptionsSchema.optional(),
});
export type CreateJob = z.infer<typeof CreateJobSchema>;

export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobSummarySchema = z.object({
  jobId: z.string(),
  status: JobStatusSchema,
  name: z.string(),
  /** Runs started, counting one cut short by a restart. */
  attempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stage: z.string().nullable(),
  pct: z.number(),
  message: z.string().nullable(),
  error: z.string().nullable(),
});
export type JobSummary = z.infer<typeof JobSummarySchema>;

export const ClipLinkSchema = ManifestSchema.shape.clips.element.extend({
  urls: z.object({ video: z.string(), srt: z.string(), vtt: z.string(), thumbnail: z.string() }),
});

/** A clip's re-render after an edit (or a clip made by hand): a small job of its own. */
export const RenderStateSchema = z.object({
  renderId: z.string(),
  jobId: z.string(),
  rank: z.number().int(),
  version: z.number().int(),
  changed: z.array(z.string()),
  status: z.enum(['running', 'done', 'failed']),
  pct: z.number(),
  message: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type RenderState = z.infer<typeof RenderStateSchema>;

export const JobDetailSchema = JobSummarySchema.extend({
  stages: z.record(z.string(), z.object({ pct: z.number(), message: z.string() })),
  clips: z.array(ClipLinkSchema),
  manifest: ManifestSchema.nullable(),
  /** Re-renders of this job's clips: running ones, and the last few that ended. */
  edits: z.array(RenderStateSchema).optional(),
  /** Every clip with its captions and thumbnail, and the manifest, as one ZIP (when the job is done). */
  downloads: z.object({ zip: z.string() }).optional(),
});
export type JobDetail = z.infer<typeof JobDetailSchema>;

/** GET /jobs/{id}/transcript: the words a person edits by (their index is what a correction names), and where each clip lies in them. */
export const TranscriptViewSchema = z.object({
  jobId: z.string(),
  language: z.string().nullable(),
  duration: z.number(),
  words: z.array(z.object({ i: z.number().int(), w: z.string(), start: z.number(), end: z.number() })),
  clips: z.array(
    z.object({
      rank: z.number().int(),
      version: z.number().int(),
      start: z.number(),
      end: z.number(),
      /** First and last word inside the clip (-1 when none). */
      first: z.number().int(),
      last: z.number().int(),
      corrections: z.array(z.object({ from: z.number().int(), to: z.number().int(), text: z.string() })),
      /** The people the tracker saw in the clip, left to right: choices to follow (`framing: {follow: {x, y}}`). */
      people: z.array(z.object({ x: z.number(), y: z.number(), share: z.number() })).default([]),
    }),
  ),
});
export type TranscriptView = z.infer<typeof TranscriptViewSchema>;

/** What the WebSocket pushes is in src/jobs/messages.ts (both runtimes); what a client sends: */
export const ClientMessageSchema = z.object({ subscribe: z.string().min(1).max(64).describe('a job id, or "*" for every job') });

export const ErrorBodySchema = z.object({ error: z.string() });
