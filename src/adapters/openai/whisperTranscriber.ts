// The Transcriber port on OpenAI's transcription API (or any compatible server). The speech is
// compressed to low-bitrate mono MP3, split at pauses into parts under the upload limit, the
// parts transcribed in parallel within the shared rate limit, and the words stitched back with
// their offsets.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFile } from 'openai';
import type { CallContext, Logger, Transcriber } from '../../core/ports.ts';
import type { Transcript, Word } from '../../core/schemas.ts';
import { planParts, stitch, type Part } from '../../media/audioParts.ts';
import { mediaBinaries } from '../../media/binaries.ts';
import { runProcess } from '../../media/runProcess.ts';
import { findPauses } from '../../media/silences.ts';
import type { OpenAiHandle } from './openaiClient.ts';
import { withRetries } from './retry.ts';
import { VerboseTranscriptionSchema, wordsOf } from './whisperResponse.ts';

/** Mono speech at 32 kbit/s: 4,000 bytes a second, so 24 MB holds about 100 minutes. */
export const SPEECH_KBPS = 32;

export interface UploadedPart extends Part {
  file: string;
  bytes: number;
}

export class WhisperTranscriber implements Transcriber {
  readonly name = 'openai';
  readonly model: string;
  readonly language: string | undefined;

  constructor(
    private readonly api: OpenAiHandle,
    private readonly log?: Logger,
  ) {
    this.model = api.config.transcribeModel;
    this.language = api.config.language;
  }

  async transcribe(audioPath: string, ctx: CallContext = {}): Promise<Transcript> {
    const dir = await mkdtemp(join(tmpdir(), 'clipforge-whisper-'));
    try {
      const parts = await this.split(audioPath, dir, ctx.signal);
      let done = 0;
      const results = await Promise.all(
        parts.map(async (part) => {
          const words = await this.transcribePart(part, ctx);
          ctx.onProgress?.(++done / parts.length, `transcribed ${done} of ${parts.length} parts`);
          return words;
        }),
      );
      const duration = parts.at(-1)?.end ?? 0;
      const language = ctx.language ?? this.language;
      return { provider: this.name, model: this.model, ...(language ? { language } : {}), audioSeconds: duration, words: stitch(results) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Compressed parts of the speech, each under the upload limit, cut at pauses. */
  async split(audioPath: string, dir: string, signal?: AbortSignal): Promise<UploadedPart[]> {
    const { ffmpeg } = mediaBinaries();
    const whole = join(dir, 'speech.mp3');
    await encode(ffmpeg, audioPath, whole, undefined, signal);
    const bytes = (await stat(whole)).size;
    const duration = await durationOf(whole);
    const limit = this.api.config.maxUploadBytes;
    if (bytes <= limit) return [{ start: 0, end: duration, file: whole, bytes }];

    // 5% headroom for MP3 framing and the bit reservoir.
    const maxSec = ((limit * 0.95) / bytes) * duration;
    const { parts, hardCuts } = planParts(duration, await findPauses(audioPath), maxSec);
    if (hardCuts) this.log?.warn('no pause found near some part limits; cut mid-speech', { hardCuts });
    const out: UploadedPart[] = [];
    for (const [i, p] of parts.entries()) {
      const file = join(dir, `part-${String(i).padStart(3, '0')}.mp3`);
      await encode(ffmpeg, audioPath, file, p, signal);
      const size = (await stat(file)).size;
      if (size > limit) throw new Error(`audio part ${i} is ${size} bytes, over the ${limit}-byte upload limit`);
      out.push({ ...p, file, bytes: size });
    }
    return out;
  }

  private async transcribePart(part: UploadedPart, ctx: CallContext): Promise<Word[]> {
    const { client, limiter, config } = this.api;
    const res = await withRetries(
      `transcribing ${(part.end - part.start).toFixed(0)} s of audio at ${part.start.toFixed(1)} s with ${this.model}`,
      limiter,
      async () => {
        ctx.meter?.record(this.model, { requests: 1 });
        return client.audio.transcriptions.create(
          {
            file: await toFile(createReadStream(part.file), 'speech.mp3', { type: 'audio/mpeg' }),
            model: this.model,
            response_format: 'verbose_json',
            timestamp_granularities: ['word', 'segment'],
            ...((ctx.language ?? this.language) ? { language: ctx.language ?? this.language } : {}),
          },
          ctx.signal ? { signal: ctx.signal } : {},
        );
      },
      { attempts: config.attempts, baseMs: 1000, maxMs: 60_000 },
      (attempt, waitMs, err) => this.log?.warn('transcription request failed; retrying', { attempt, waitMs: Math.round(waitMs), error: String(err) }),
    );
    ctx.meter?.record(this.model, { audioSeconds: part.end - part.start });
    const parsed = VerboseTranscriptionSchema.safeParse(res);
    if (!parsed.success) throw new Error(`the transcription server's answer is not verbose_json: ${parsed.error.issues[0]?.message}`);
    return wordsOf(parsed.data, part.start, part.end);
  }
}

async function encode(ffmpeg: string, input: string, output: string, range?: Part, signal?: AbortSignal): Promise<void> {
  const seek = range ? ['-ss', range.start.toFixed(3), '-t', (range.end - range.start).toFixed(3)] : [];
  await runProcess(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-y',
      ...seek,
      '-i',
      input,
      '-vn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-c:a',
      'libmp3lame',
      '-b:a',
      `${SPEECH_KBPS}k`,
      output,
    ],
    { timeoutMs: 3600_000, ...(signal ? { signal } : {}) },
  );
}

async function durationOf(file: string): Promise<number> {
  const { stdout } = await runProcess(mediaBinaries().ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
    timeoutMs: 60_000,
  });
  const d = Number(stdout.trim());
  if (!Number.isFinite(d)) throw new Error(`cannot read the length of ${file}`);
  return d;
}
