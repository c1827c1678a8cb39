// transcribe: words with times, stored as a work object so later stages pass only its key.
import { z } from 'zod';
import { TranscriptSchema } from '../core/schemas.ts';
import { reporter, type StagePorts } from './stagePorts.ts';

export const TranscribeInputSchema = z.object({ jobId: z.string(), audioKey: z.string() });
export interface TranscribeOutput {
  transcriptKey: string;
  words: number;
  audioSeconds: number;
  provider: string;
}

export async function transcribe(raw: unknown, ports: Pick<StagePorts, 'work' | 'transcriber' | 'progress'>): Promise<TranscribeOutput> {
  const input = TranscribeInputSchema.parse(raw);
  const say = reporter(ports, input.jobId, 'transcribe');
  say(0, `transcribing with ${ports.transcriber.name}`);
  const audio = await ports.work.localPath(input.audioKey);
  const transcript = TranscriptSchema.parse(
    await ports.transcriber.transcribe(audio, (f) => say(f * 99, `transcribing with ${ports.transcriber.name}`)),
  );
  const transcriptKey = `${input.jobId}/transcript.json`;
  await ports.work.writeText(transcriptKey, JSON.stringify(transcript));
  say(100, `${transcript.words.length} words`);
  return { transcriptKey, words: transcript.words.length, audioSeconds: transcript.audioSeconds, provider: transcript.provider };
}
