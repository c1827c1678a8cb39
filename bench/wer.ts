// npm run bench:wer — the offline transcribers' word error rate, speed and memory on real
// recorded speech: pocketsphinx-testdata's LibriVox utterances with their reference transcripts,
// one by one, then as one long file (the utterances again and again with pauses between them,
// at least 10 minutes) with its real-time factor and the transcriber's peak memory.
// Targets on a 2-core machine (issue 23): WER ≤ 5% on the utterances, long audio ≤ 0.15× real time, peak RSS ≤ 1.5 GB.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketsphinxTranscriber } from './baseline/pocketsphinxTranscriber.ts';
import { FasterWhisperTranscriber } from '../src/adapters/whisper/fasterWhisperTranscriber.ts';
import type { Transcriber } from '../src/core/ports.ts';
import { type Utterance, joinWithPauses, librivoxUtterances } from '../src/samples/readSpeech.ts';
import { normalizedWords, wordErrors } from './wordErrorRate.ts';

const LONG_MIN_SEC = 600;
const utterances = librivoxUtterances();

/** The utterances in turn with 0.6-1.8 s of silence between them, repeated to LONG_MIN_SEC; and its reference. */
async function longFile(): Promise<{ path: string; ref: string[] }> {
  const path = join(mkdtempSync(join(tmpdir(), 'cf-wer-')), 'long.wav');
  const parts: Array<{ utterance: Utterance; pauseSec: number }> = [];
  for (let i = 0, seconds = 0; seconds < LONG_MIN_SEC; i++) {
    const utterance = utterances[i % utterances.length]!;
    const pauseSec = 0.6 + ((i * 7) % 13) / 10;
    parts.push({ utterance, pauseSec });
    seconds += utterance.seconds + pauseSec;
  }
  return { path, ref: await joinWithPauses(parts, path) };
}

interface Measured {
  utterancesWer: number;
  longWer: number;
  longRtf: number;
}

async function measure(name: string, transcriber: Transcriber, long: { path: string; ref: string[] }): Promise<Measured> {
  let errors = 0;
  let words = 0;
  let audio = 0;
  let wall = 0;
  for (const { id, file, words: ref } of utterances) {
    const t0 = performance.now();
    const out = await transcriber.transcribe(file);
    const sec = (performance.now() - t0) / 1000;
    const e = wordErrors(ref, normalizedWords(out.words.map((w) => w.w)));
    errors += e;
    words += ref.length;
    audio += out.audioSeconds;
    wall += sec;
    console.log(`  ${id}  WER ${((100 * e) / ref.length).toFixed(1).padStart(5)}%  ${out.audioSeconds.toFixed(1)} s audio in ${sec.toFixed(2)} s`);
  }
  console.log(
    `${name}: utterances WER ${((100 * errors) / words).toFixed(1)}% over ${words} words, ${(wall / audio).toFixed(2)}x real time (process start included)`,
  );
  const t0 = performance.now();
  const out = await transcriber.transcribe(long.path);
  const sec = (performance.now() - t0) / 1000;
  const rssMb = transcriber instanceof FasterWhisperTranscriber ? transcriber.lastPeakRssMb : 0;
  const e = wordErrors(long.ref, normalizedWords(out.words.map((w) => w.w)));
  console.log(
    `${name}: long file (${(out.audioSeconds / 60).toFixed(1)} min) WER ${((100 * e) / long.ref.length).toFixed(1)}%, ${sec.toFixed(0)} s = ${(sec / out.audioSeconds).toFixed(3)}x real time` +
      (rssMb ? `, peak RSS ${rssMb} MB` : ''),
  );
  return { utterancesWer: errors / words, longWer: e / long.ref.length, longRtf: sec / out.audioSeconds };
}

const long = await longFile();
const only = process.argv[2];
const whisper = !only || only === 'faster-whisper' ? await measure('faster-whisper (Whisper base, int8)', new FasterWhisperTranscriber(), long) : undefined;
const baseline = !only || only === 'pocketsphinx' ? await measure('pocketsphinx (PyPI 5.1.1, en-us)', new PocketsphinxTranscriber(), long) : undefined;
if (whisper && baseline) {
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(3) : 'n/a');
  console.log(
    `\nfaster-whisper against the pocketsphinx baseline (same run): word errors ${ratio(whisper.utterancesWer, baseline.utterancesWer)}x on the utterances, ` +
      `${ratio(whisper.longWer, baseline.longWer)}x on the long file; long-file time ${ratio(whisper.longRtf, baseline.longRtf)}x`,
  );
}
