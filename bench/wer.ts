// npm run bench:wer — the offline transcriber's word error rate and speed on real recorded
// speech: pocketsphinx-testdata's LibriVox utterances and their reference transcripts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PocketsphinxTranscriber } from '../src/adapters/pocketsphinx/pocketsphinxTranscriber.ts';
import { wordErrors } from './wordErrorRate.ts';

const DIR = '/usr/share/pocketsphinx/test/data/librivox';
const refs = new Map(
  readFileSync(join(DIR, 'transcription'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^<s> (.*) <\/s> \((.+)\)$/.exec(line.trim());
      if (!m) throw new Error(`unexpected transcription line: ${line}`);
      return [m[2]!, m[1]!.split(/\s+/)] as const;
    }),
);

const transcriber = new PocketsphinxTranscriber();
let errors = 0;
let words = 0;
let audio = 0;
let wall = 0;
for (const [id, ref] of refs) {
  const t0 = performance.now();
  const out = await transcriber.transcribe(join(DIR, `${id}.wav`));
  const sec = (performance.now() - t0) / 1000;
  const hyp = out.words.map((w) => w.w.toLowerCase());
  const e = wordErrors(ref, hyp);
  errors += e;
  words += ref.length;
  audio += out.audioSeconds;
  wall += sec;
  console.log(`${id}  WER ${((100 * e) / ref.length).toFixed(1).padStart(5)}%  ${out.audioSeconds.toFixed(1)} s audio in ${sec.toFixed(2)} s`);
}
console.log(
  `\npocketsphinx (PyPI 5.1.1, en-us): WER ${((100 * errors) / words).toFixed(1)}% over ${words} words, ${audio.toFixed(1)} s of speech, ${(wall / audio).toFixed(2)}x real time (process start included)`,
);
