// finalize: the manifest and the report page, written last so their presence means "complete".
import { z } from 'zod';
import { type ClipResult, type Manifest, ClipOutcomeSchema, JobOptionsSchema, ManifestSchema, SourceInfoSchema } from '../core/schemas.ts';
import { failureReason } from '../core/failureReason.ts';
import { redactUrlQuery } from '../core/redact.ts';
import { OUTPUT_FRAMES } from '../media/frames.ts';
import { type PriceTable, UsageSnapshotSchema, costOf, mergeUsage } from '../core/usage.ts';
import { reportHtml } from '../report/reportHtml.ts';
import { reporter, type StagePorts } from './stagePorts.ts';
import { round3 as round } from '../core/numbers.ts';

export const FinalizeInputSchema = z.object({
  jobId: z.string(),
  source: SourceInfoSchema,
  transcript: z.object({ audioSeconds: z.number(), provider: z.string(), language: z.string().optional(), usage: UsageSnapshotSchema.optional() }),
  scorer: z.string(),
  scoreUsage: UsageSnapshotSchema.optional(),
  clips: z.array(ClipOutcomeSchema),
  options: JobOptionsSchema.optional(),
  timings: z.record(z.string(), z.number()).default({}),
  /** What a later edit needs kept (src/editing/jobKeep.ts): the transcript's work key and the source's reference. */
  transcriptKey: z.string().optional(),
  sourceFile: z.string().optional(),
});

export const MANIFEST_FILE = 'clips.json';
export const REPORT_FILE = 'report.html';

function usageOf(input: z.infer<typeof FinalizeInputSchema>, prices: PriceTable): Manifest['usage'] {
  const all = mergeUsage(input.transcript.usage, input.scoreUsage);
  const models: Manifest['usage']['models'] = {};
  const unpriced: string[] = [];
  let cost = 0;
  for (const [model, u] of Object.entries(all.models)) {
    const c = costOf(model, u, prices);
    if (c === undefined) unpriced.push(model);
    cost += c ?? 0;
    models[model] = {
      requests: u.requests,
      audioMinutes: round(u.audioSeconds / 60),
      tokensIn: u.tokensIn,
      tokensOut: u.tokensOut,
      costUsd: c === undefined ? null : round(c * 1e3) / 1e3,
    };
  }
  const sum = (f: (u: { requests: number; tokensIn: number; tokensOut: number }) => number) => Object.values(all.models).reduce((a, u) => a + f(u), 0);
  return {
    audioMinutes: round(input.transcript.audioSeconds / 60),
    transcriber: input.transcript.provider,
    scorer: input.scorer,
    requests: sum((u) => u.requests),
    llmRequests: Object.values(input.scoreUsage?.models ?? {}).reduce((a, u) => a + u.requests, 0),
    tokensIn: sum((u) => u.tokensIn),
    tokensOut: sum((u) => u.tokensOut),
    cacheHits: all.cacheHits,
    models,
    estimatedCostUsd: round(cost * 1e3) / 1e3,
    unpriced,
  };
}

/** A made clip as the manifest lists it (also an edit's new version: src/editing/editClip.ts). */
export function manifestClip({ clip, crop, output }: ClipResult): Manifest['clips'][number] {
  return {
    ...clip,
    duration: round(clip.end - clip.start),
    ...output,
    crop: { fallback: crop.fallback },
    layout: { kind: crop.layout, why: crop.layoutWhy ?? '' },
  };
}

/** No clip could be made: the job fails with each clip's reason. */
export class NoClipMade extends Error {
  override name = 'NoClipMade';
}

export function buildManifest(input: z.infer<typeof FinalizeInputSchema>, prices: PriceTable = {}, now = new Date()): Manifest {
  const made = input.clips.filter((c): c is ClipResult => 'output' in c);
  const failed = input.clips.flatMap((c) => ('failure' in c ? [c] : [])).sort((a, b) => a.clip.rank - b.clip.rank);
  const failedClips = failed.map(({ clip, failure }) => ({
    rank: clip.rank,
    start: clip.start,
    end: clip.end,
    title: clip.title,
    error: failureReason(failure),
  }));
  if (made.length === 0 && failed.length > 0)
    throw new NoClipMade(`no clip could be made: ${failedClips.map((f) => `clip ${f.rank}: ${f.error}`).join('; ')}`.slice(0, 4000));
  return ManifestSchema.parse({
    jobId: input.jobId,
    source: {
      // Shown and kept: never a link's token or password.
      path: redactUrlQuery(input.source.path),
      duration: round(input.source.duration),
      width: input.source.width,
      height: input.source.height,
      ...(input.source.page ? { page: input.source.page } : {}),
      ...(input.transcript.language ? { language: input.transcript.language } : {}),
      ...(input.source.audioTrack !== undefined ? { audioTrack: { number: input.source.audioTrack + 1, why: input.source.audioTrackWhy ?? '' } } : {}),
    },
    ...(input.options
      ? {
          output: {
            aspect: input.options.aspect,
            ...OUTPUT_FRAMES[input.options.aspect],
            layout: input.options.layout,
            captionStyle: input.options.captionStyle,
            hookTitle: input.options.hookTitle,
          },
        }
      : {}),
    clips: [...made].sort((a, b) => a.clip.rank - b.clip.rank).map(manifestClip),
    ...(failedClips.length ? { failedClips } : {}),
    timings: Object.fromEntries(Object.entries(input.timings).map(([k, v]) => [k, round(v)])),
    usage: usageOf(input, prices),
    createdAt: now.toISOString(),
  });
}

export async function finalize(raw: unknown, ports: Pick<StagePorts, 'outputs' | 'progress' | 'prices'>): Promise<Manifest> {
  const input = FinalizeInputSchema.parse(raw);
  const manifest = buildManifest(input, ports.prices);
  await ports.outputs.writeText(REPORT_FILE, reportHtml(manifest));
  await ports.outputs.writeText(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  reporter(ports, input.jobId, 'finalize')(100, `${manifest.clips.length} clip${manifest.clips.length === 1 ? '' : 's'} ready`);
  return manifest;
}
