// Real read speech from Debian's pocketsphinx-testdata: five LibriVox utterances (a person
// reading Austen, with room noise) and their reference transcripts, and longer recordings made
// of them with pauses between, for the word-error benchmark and the word-timing tests.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../media/runProcess.ts';

export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';

export interface Utterance {
  id: string;
  file: string;
  /** The reference transcript: lower case, no punctuation. */
  words: string[];
  seconds: number;
}

export function librivoxUtterances(): Utterance[] {
  return readFileSync(join(LIBRIVOX_DIR, 'transcription'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^<s> (.*) <\/s> \((.+)\)$/.exec(line.trim());
      if (!m) throw new Error(`unexpected transcription line: ${line}`);
      const file = join(LIBRIVOX_DIR, `${m[2]}.wav`);
      // 16 kHz mono 16-bit WAV after a 44-byte header.
      return { id: m[2]!, file, words: m[1]!.split(/\s+/), seconds: (statSync(file).size - 44) / 32_000 };
    });
}

/** The utterances in turn, each followed by its pause (seconds), as one 16 kHz mono WAV; and what is said in it. */
export async function joinWithPauses(parts: Array<{ utterance: Utterance; pauseSec: number }>, outFile: string): Promise<string[]> {
  const inputs = parts.flatMap((p) => ['-i', p.utterance.file]);
  const padded = parts.map((p, i) => `[${i}:a]apad=pad_dur=${p.pauseSec}[a${i}]`).join(';');
  const graph = `${padded};${parts.map((_, i) => `[a${i}]`).join('')}concat=n=${parts.length}:v=0:a=1[out]`;
  await runProcess(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-v',
      'error',
      ...inputs,
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-ar',
      '16000',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      outFile,
    ],
    { timeoutMs: 300_000 },
  );
  return parts.flatMap((p) => p.utterance.words);
}
