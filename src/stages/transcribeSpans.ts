// transcribe, in spans: for a runtime whose workers have a time limit (AWS Lambda: 15 minutes).
// plan cuts the speech into spans of at most SPAN_SEC at pauses; each span is transcribed on its
// own (one worker run each, so no run grows with the source's length: a 4-hour talk is 12 runs of
// 20 minutes of audio, not one of 4 hours); join stitches the spans' words into the transcript
// the transcribe stage would have made. The local runtime transcribes in one go (transcribe.ts).
import { join as joinPath } from 'node:path';
import { z } from 'zod';
import { planParts, stitch } from '../media/audioParts.ts';
import { type Word, WordSchema } from '../core/schemas.ts';
import { UsageMeter, UsageSnapshotSchema, mergeUsage } from '../core/usage.ts';
import { reporter, type StagePorts } from './stagePorts.ts';
import { type TranscribeOutput, TranscribeInputSchema, captionsTranscript, jobLanguage, storeTranscript } from './transcribe.ts';

/**
 * Audio per span: 20 minutes is a 4.8 MB upload at 32 kbit/s and, measured against the loopback
 * server here, well under a minute of work besides the speech API's own time; a worker run stays
 * far inside Lambda's 15 minutes even with retries. The runtime may set another (tests do).
 */
export const SPAN_SEC = 1200;

const SpanSchema = z.object({ index: z.number().int().nonnegative(), start: z.number().nonnegative(), end: z.number().positive() });
/** api: the spans go to the transcription worker (OpenAI); offline: the whole speech to the offline engine's task. */
export const SPEECH_ENGINES = ['api', 'offline'] as const;
export const PlanOutputSchema = z.object({ spans: z.array(SpanSchema), engine: z.enum(SPEECH_ENGINES) });
export type PlanOutput = z.infer<typeof PlanOutputSchema>;

export const SpanInputSchema = z.object({
  jobId: z.string(),
  audioKey: z.string(),
  span: SpanSchema,
  sourceId: z.string().nullable().optional(),
  options: z.object({ language: z.string().optional() }).optional(),
});
const SpanOutputSchema = z.object({
  wordsKey: z.string(),
  provider: z.string(),
  model: z.string(),
  language: z.string().optional(),
  usage: UsageSnapshotSchema,
});
export type SpanOutput = z.infer<typeof SpanOutputSchema>;

export const JoinInputSchema = TranscribeInputSchema.extend({ spans: z.array(SpanOutputSchema) });

/** The spans to transcribe: none when a caption file came with the video (join uses it). */
export async function planTranscript(
  raw: unknown,
  ports: Pick<StagePorts, 'work' | 'encoder' | 'progress'>,
  opts: { spanSec?: number | undefined; speechApi?: boolean } = {},
): Promise<PlanOutput> {
  const input = TranscribeInputSchema.parse(raw);
  const say = reporter(ports, input.jobId, 'transcribe');
  if (input.captionsKey) {
    say(0, 'using the caption file; no transcription needed');
    return { spans: [], engine: 'api' };
  }
  if (opts.speechApi === false) {
    // One run over the whole speech: the offline engine's task has no time limit to split for.
    say(0, 'transcribing offline (no OpenAI key set)');
    return { spans: [], engine: 'offline' };
  }
  const audio = await ports.work.localPath(input.audioKey);
  const duration = input.audioSeconds ?? 0;
  const max = opts.spanSec ?? SPAN_SEC;
  const { parts } = duration > max ? planParts(duration, await ports.encoder.pauses(audio), max) : { parts: [{ start: 0, end: duration }] };
  say(0, `transcribing in ${parts.length} part${parts.length === 1 ? '' : 's'}`);
  return { spans: parts.map((p, index) => ({ index, start: p.start, end: p.end })), engine: 'api' };
}

/** One span's words (times in the whole audio), kept with the job's work. */
export async function transcribeSpan(
  raw: unknown,
  ports: Pick<StagePorts, 'work' | 'encoder' | 'transcriber' | 'progress' | 'signal'> & { scratch: string },
): Promise<SpanOutput> {
  const input = SpanInputSchema.parse(raw);
  const { jobId, audioKey, span } = input;
  const audio = await ports.work.localPath(audioKey);
  const part = joinPath(ports.scratch, `span-${span.index}.wav`);
  await ports.encoder.cutAudio(audio, part, span.start, span.end);
  const meter = new UsageMeter();
  // A span of a page video is named by the video and its place in it.
  const sourceId = input.sourceId ? `${input.sourceId}@${span.start.toFixed(2)}-${span.end.toFixed(2)}` : undefined;
  const t = await ports.transcriber.transcribe(part, { meter, signal: ports.signal, sourceId, language: jobLanguage(input) });
  const words: Word[] = t.words.map((w) => ({ ...w, start: w.start + span.start, end: w.end + span.start }));
  const wordsKey = `${jobId}/transcript-span-${String(span.index).padStart(3, '0')}.json`;
  await ports.work.writeText(wordsKey, JSON.stringify(words));
  reporter(ports, jobId, 'transcribe')(0, `transcribed ${span.start.toFixed(0)}-${span.end.toFixed(0)} s`);
  return { wordsKey, provider: t.provider, model: t.model, ...(t.language ? { language: t.language } : {}), usage: meter.snapshot() };
}

/** The spans' words in order, as one transcript; or the caption file's. */
export async function joinTranscript(raw: unknown, ports: Pick<StagePorts, 'work' | 'progress'>): Promise<TranscribeOutput> {
  const input = JoinInputSchema.parse(raw);
  if (input.captionsKey)
    return storeTranscript(input.jobId, await captionsTranscript({ ...input, captionsKey: input.captionsKey }, ports), mergeUsage(), ports);
  const parts = await Promise.all(input.spans.map(async (s) => z.array(WordSchema).parse(JSON.parse(await ports.work.readText(s.wordsKey)))));
  const [first] = input.spans;
  const transcript = {
    provider: first?.provider ?? 'none',
    model: first?.model ?? 'none',
    ...(first?.language ? { language: first.language } : {}),
    audioSeconds: input.audioSeconds ?? parts.flat().at(-1)?.end ?? 0,
    words: stitch(parts),
  };
  return storeTranscript(input.jobId, transcript, mergeUsage(...input.spans.map((s) => s.usage)), ports);
}
