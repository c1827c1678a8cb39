// transcribe: words with times, stored as a work object so later stages pass only its key. A
// caption file that came with the video is used as it is, with no transcription.
import { z } from 'zod';
import { readCaptionsInline } from '../captions/captionReader.ts';
import { type Transcript, TranscriptSchema } from '../core/schemas.ts';
import { UsageMeter, type UsageSnapshot } from '../core/usage.ts';
import { reporter, type StagePorts } from './stagePorts.ts';
import { UsageSnapshotSchema } from '../core/usage.ts';

export const TranscribeInputSchema = z.object({
  jobId: z.string(),
  audioKey: z.string(),
  audioSeconds: z.number().nonnegative().optional(),
  captionsKey: z.string().nullable().optional(),
  sourceId: z.string().nullable().optional(),
  /** The job's options; only its language is read here. */
  options: z.object({ language: z.string().optional() }).optional(),
});
/** The language a job names, if any ("auto" names none). */
export const jobLanguage = (input: { options?: { language?: string | undefined } | undefined }): string | undefined =>
  input.options?.language && input.options.language !== 'auto' ? input.options.language : undefined;
export const TranscribeOutputSchema = z.object({
  transcriptKey: z.string(),
  words: z.number().int().nonnegative(),
  audioSeconds: z.number().nonnegative(),
  provider: z.string(),
  /** The spoken language (ISO 639-1) as the transcriber named or detected it. */
  language: z.string().optional(),
  usage: UsageSnapshotSchema,
});
export type TranscribeOutput = z.infer<typeof TranscribeOutputSchema>;

export type TranscribeInput = z.infer<typeof TranscribeInputSchema>;

/** The transcript a caption file that came with the video gives. */
export async function captionsTranscript(input: TranscribeInput & { captionsKey: string }, ports: Pick<StagePorts, 'work' | 'captions'>): Promise<Transcript> {
  const words = await (ports.captions ?? readCaptionsInline)(await ports.work.readText(input.captionsKey), { mediaSec: input.audioSeconds });
  return { provider: 'captions', model: 'caption file', audioSeconds: input.audioSeconds ?? words.at(-1)?.end ?? 0, words };
}

/** Keeps the transcript with the job's work; what the next stages are handed. */
export async function storeTranscript(
  jobId: string,
  transcript: Transcript,
  usage: UsageSnapshot,
  ports: Pick<StagePorts, 'work' | 'progress'>,
): Promise<TranscribeOutput> {
  const transcriptKey = `${jobId}/transcript.json`;
  await ports.work.writeText(transcriptKey, JSON.stringify(transcript));
  reporter(ports, jobId, 'transcribe')(100, `${transcript.words.length} words${usage.cacheHits ? ' (from cache)' : ''}`);
  return {
    transcriptKey,
    words: transcript.words.length,
    audioSeconds: transcript.audioSeconds,
    provider: transcript.provider,
    ...(transcript.language ? { language: transcript.language } : {}),
    usage,
  };
}

export async function transcribe(raw: unknown, ports: Pick<StagePorts, 'work' | 'transcriber' | 'progress' | 'signal'>): Promise<TranscribeOutput> {
  const input = TranscribeInputSchema.parse(raw);
  const say = reporter(ports, input.jobId, 'transcribe');
  const meter = new UsageMeter();
  let transcript: Transcript;
  if (input.captionsKey) {
    transcript = await captionsTranscript({ ...input, captionsKey: input.captionsKey }, ports);
    say(0, 'using the caption file; no transcription needed');
  } else {
    const doing = `transcribing with ${ports.transcriber.name} (${ports.transcriber.model})`;
    say(0, doing);
    const audio = await ports.work.localPath(input.audioKey);
    transcript = TranscriptSchema.parse(
      await ports.transcriber.transcribe(audio, {
        onProgress: (f, m) => say(f * 99, m ?? doing),
        meter,
        signal: ports.signal,
        sourceId: input.sourceId ?? undefined,
        language: jobLanguage(input),
      }),
    );
  }
  return storeTranscript(input.jobId, transcript, meter.snapshot(), ports);
}
