// The offline Transcriber: faster-whisper (Whisper on the CPU, CTranslate2 int8) in one Python
// process per job, so the model loads once for the whole audio (speech/whisper_words.py). Words
// come with their punctuation and casing as Whisper wrote them; the language is the one asked
// for, else the one Whisper heard in the first span.
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ProcessError } from '../../core/errors.ts';
import type { CallContext, Transcriber } from '../../core/ports.ts';
import { PROJECT_ROOT, projectPython } from '../../core/projectRoot.ts';
import { type Transcript, WordSchema } from '../../core/schemas.ts';
import { runProcess } from '../../media/runProcess.ts';

const OutputSchema = z.object({
  words: z.array(WordSchema),
  audioSeconds: z.number(),
  language: z.string(),
  languageProbability: z.number(),
  model: z.string(),
  peakRssMb: z.number().optional(),
});

export const WHISPER_SCRIPT = join(PROJECT_ROOT, 'speech', 'whisper_words.py');
/** The model that installs offline (speech/whisper_model.py), unless CLIPFORGE_WHISPER_MODEL names another folder. */
export const DEFAULT_WHISPER_MODEL = 'whisper-base';
/** A job of up to the longest source (4 h) at the slowest measured speed here, with room. */
const TIMEOUT_MS = 6 * 3600_000;

export interface FasterWhisperOptions {
  python?: string;
  /** ISO 639-1; detected per job when absent. */
  language?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export class FasterWhisperTranscriber implements Transcriber {
  readonly name = 'faster-whisper';
  readonly model: string;
  readonly language: string | undefined;
  /** The last run's peak resident memory (MB), for the benchmark. */
  lastPeakRssMb = 0;
  private readonly python: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: FasterWhisperOptions = {}) {
    this.env = opts.env ?? process.env;
    this.python = opts.python ?? projectPython();
    this.language = opts.language;
    // Part of the transcript cache's key: another model's transcript is never served as this one's.
    this.model = this.env.CLIPFORGE_WHISPER_MODEL ? basename(this.env.CLIPFORGE_WHISPER_MODEL) : DEFAULT_WHISPER_MODEL;
  }

  async transcribe(audioPath: string, ctx: CallContext = {}): Promise<Transcript> {
    let told = '';
    let stdout: string;
    const language = ctx.language ?? this.language;
    try {
      ({ stdout } = await runProcess(this.python, [WHISPER_SCRIPT, audioPath, ...(language ? ['--language', language] : [])], {
        onStderrLine: (line) => {
          const progress = /^progress ([\d.]+)/.exec(line);
          if (progress) ctx.onProgress?.(Number(progress[1]));
          const error = /^error (.+)/.exec(line);
          if (error) told = error[1]!;
        },
        env: { ...this.env, PYTHONUNBUFFERED: '1' },
        timeoutMs: TIMEOUT_MS,
        background: true,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }));
    } catch (err) {
      if (err instanceof ProcessError) {
        // The script's own words (a refused model, a wrong input) before the tool's raw tail.
        if (told) throw new Error(`offline transcription: ${told}`);
        if (/No module named '(faster_whisper|ctranslate2|numpy)'/.test(err.stderrTail)) {
          throw new Error('the offline transcriber (faster-whisper) is not installed: run "bash scripts/setup.sh"');
        }
      }
      throw err;
    }
    const out = OutputSchema.parse(JSON.parse(stdout));
    this.lastPeakRssMb = out.peakRssMb ?? 0;
    return {
      provider: this.name,
      model: out.model,
      ...(out.language ? { language: out.language } : {}),
      audioSeconds: out.audioSeconds,
      words: out.words,
    };
  }
}
