// finalize: the manifest and the report page, written last so their presence means "complete".
import { z } from 'zod';
import { type Manifest, ClipResultSchema, ManifestSchema, SourceInfoSchema } from '../core/schemas.ts';
import { reportHtml } from '../report/reportHtml.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

export const FinalizeInputSchema = z.object({
  jobId: z.string(),
  source: SourceInfoSchema,
  transcript: z.object({ audioSeconds: z.number(), provider: z.string() }),
  scorer: z.string(),
  clips: z.array(ClipResultSchema),
  timings: z.record(z.string(), z.number()).default({}),
});

export const MANIFEST_FILE = 'clips.json';
export const REPORT_FILE = 'report.html';

export function buildManifest(input: z.infer<typeof FinalizeInputSchema>, now = new Date()): Manifest {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return ManifestSchema.parse({
    jobId: input.jobId,
    source: { path: input.source.path, duration: round(input.source.duration), width: input.source.width, height: input.source.height },
    clips: [...input.clips]
      .sort((a, b) => a.clip.rank - b.clip.rank)
      .map(({ clip, crop, output }) => ({ ...clip, duration: round(clip.end - clip.start), ...output, crop: { fallback: crop.fallback } })),
    timings: Object.fromEntries(Object.entries(input.timings).map(([k, v]) => [k, round(v)])),
    usage: {
      audioMinutes: round(input.transcript.audioSeconds / 60),
      transcriber: input.transcript.provider,
      scorer: input.scorer,
      llmRequests: 0,
      tokensIn: 0,
      tokensOut: 0,
      estimatedCostUsd: 0,
    },
    createdAt: now.toISOString(),
  });
}

export async function finalize(raw: unknown, ports: Pick<StagePorts, 'outputs' | 'progress'>): Promise<Manifest> {
  const input = FinalizeInputSchema.parse(raw);
  const manifest = buildManifest(input);
  await ports.outputs.writeText(REPORT_FILE, reportHtml(manifest));
  await ports.outputs.writeText(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
  reporter(ports, input.jobId, 'finalize')(100, `${manifest.clips.length} clip${manifest.clips.length === 1 ? "" : "s"} ready`);
  return manifest;
}
