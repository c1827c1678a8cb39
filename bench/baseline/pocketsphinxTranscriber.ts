// The benchmark's baseline (bench/wer.ts): PyPI pocketsphinx (model in the wheel), clipforge's
// offline transcriber until Whisper replaced it (27% word error against 2.4%, and slower).
import { join } from 'node:path';
import { z } from 'zod';
import { ProcessError } from '../../src/core/errors.ts';
import type { CallContext, Transcriber } from '../../src/core/ports.ts';
import { PROJECT_ROOT, projectPython } from '../../src/core/projectRoot.ts';
import type { Transcript } from '../../src/core/schemas.ts';
import { WordSchema } from '../../src/core/schemas.ts';
import { runProcess } from '../../src/media/runProcess.ts';

const OutputSchema = z.object({ words: z.array(WordSchema), audioSeconds: z.number() });

export const POCKETSPHINX_SCRIPT = join(PROJECT_ROOT, 'bench', 'baseline', 'pocketsphinx_words.py');

export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';
  readonly model = 'en-us (pocketsphinx 5.1.1)';
  readonly language = 'en';
  constructor(private readonly python = projectPython()) {}

  async transcribe(audioPath: string, ctx: CallContext = {}): Promise<Transcript> {
    let stdout: string;
    try {
      ({ stdout } = await runProcess(this.python, [POCKETSPHINX_SCRIPT, audioPath], {
        onStderrLine: (line) => {
          const m = /^progress ([\d.]+)/.exec(line);
          if (m) ctx.onProgress?.(Number(m[1]));
        },
        timeoutMs: 6 * 3600_000,
        background: true,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }));
    } catch (err) {
      if (err instanceof ProcessError && /No module named 'pocketsphinx'/.test(err.stderrTail)) {
        throw new Error(`the offline transcriber is not installed for ${this.python}: run "bash scripts/setup.sh --tests" (pocketsphinx is a test dependency)`);
      }
      throw err;
    }
    const out = OutputSchema.parse(JSON.parse(stdout));
    return { provider: this.name, model: this.model, language: this.language, audioSeconds: out.audioSeconds, words: out.words };
  }
}
