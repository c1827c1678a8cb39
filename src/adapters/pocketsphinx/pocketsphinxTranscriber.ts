// The offline Transcriber: PyPI pocketsphinx (model inside the wheel) in a Python subprocess.
import { join } from 'node:path';
import { z } from 'zod';
import { ProcessError } from '../../core/errors.ts';
import type { CallContext, Transcriber } from '../../core/ports.ts';
import { PROJECT_ROOT, projectPython } from '../../core/projectRoot.ts';
import type { Transcript } from '../../core/schemas.ts';
import { WordSchema } from '../../core/schemas.ts';
import { runProcess } from '../../media/runProcess.ts';

const OutputSchema = z.object({ words: z.array(WordSchema), audioSeconds: z.number() });

export const POCKETSPHINX_SCRIPT = join(PROJECT_ROOT, 'speech', 'pocketsphinx_words.py');

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
        throw new Error(`the offline transcriber is not installed for ${this.python}: run "bash scripts/setup.sh" (it makes .venv with pocketsphinx)`);
      }
      throw err;
    }
    const out = OutputSchema.parse(JSON.parse(stdout));
    return { provider: this.name, model: this.model, language: this.language, audioSeconds: out.audioSeconds, words: out.words };
  }
}
