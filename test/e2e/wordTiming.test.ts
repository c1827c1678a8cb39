// Word times on real recorded speech: pocketsphinx-testdata's LibriVox utterances (a person
// reading, with room noise) joined with pauses of different lengths. Wherever speech resumes
// after a pause (FFmpeg's silencedetect on the same audio), the offline transcriber must have a
// word starting there: a caption shows while its word is said, not in the pause before it.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FasterWhisperTranscriber } from '../../src/adapters/whisper/fasterWhisperTranscriber.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { joinWithPauses, librivoxUtterances } from '../../src/samples/readSpeech.ts';
import { speechOnsets } from '../helpers/media.ts';

/**
 * A caption may not show before its word is heard (0.15 s: silencedetect's and our frames differ),
 * and shows at the latest 0.3 s into it (the e2e caption test's bound; a breathy "He" after a pause
 * is heard from its first faint "h" by silencedetect, 0.2 s before the word's voice).
 */
const EARLY_SEC = 0.15;
const LATE_SEC = 0.3;

/** The LibriVox utterances twice over, joined with pauses of different lengths (about 70 s). */
async function readSpeech(): Promise<{ path: string; utterances: number }> {
  const path = join(await mkdtemp(join(tmpdir(), 'cf-timing-')), 'read.wav');
  const pauses = [0.9, 1.4, 0.7, 1.8, 1.1];
  const utterances = [...librivoxUtterances(), ...librivoxUtterances()];
  await joinWithPauses(
    utterances.map((utterance, i) => ({ utterance, pauseSec: pauses[i % pauses.length]! })),
    path,
  );
  return { path, utterances: utterances.length };
}

test('on recorded speech, a word starts with the speech after every pause (not before it, at most 0.3 s into it), and none inside a pause', async () => {
  const { path: joined, utterances: n } = await readSpeech();
  const t = await new FasterWhisperTranscriber().transcribe(joined);
  const onsets = await speechOnsets(joined, 0.5);
  const speech = onsets.filter((o) => o < t.audioSeconds - 0.5);
  assert.ok(speech.length >= n - 1, `a pause before each utterance (${speech.length} onsets)`);
  for (const onset of speech) {
    const first = t.words.find((w) => w.start >= onset - EARLY_SEC);
    assert.ok(first && first.start <= onset + LATE_SEC, `speech resumes at ${onset.toFixed(2)} s; the first word after it starts at ${first?.start} s`);
  }
  // Silences of at least 0.5 s, from the same detector: no word begins well inside one.
  const silences = await silenceSpans(joined);
  for (const w of t.words) {
    const inside = silences.find((s) => w.start > s.start + EARLY_SEC && w.start < s.end - EARLY_SEC);
    assert.equal(inside, undefined, `"${w.w}" starts at ${w.start} s, inside the pause ${inside?.start.toFixed(2)}-${inside?.end.toFixed(2)} s`);
  }
});

async function silenceSpans(path: string): Promise<Array<{ start: number; end: number }>> {
  const spans: Array<{ start: number; end: number }> = [];
  let open: number | undefined;
  await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'info', '-i', path, '-af', 'silencedetect=noise=-35dB:d=0.5', '-f', 'null', '-'], {
    timeoutMs: 60_000,
    onStderrLine: (line) => {
      const s = /silence_start: ([\d.]+)/.exec(line);
      if (s) open = Number(s[1]);
      const e = /silence_end: ([\d.]+)/.exec(line);
      if (e && open !== undefined) {
        spans.push({ start: open, end: Number(e[1]) });
        open = undefined;
      }
    },
  });
  return spans;
}

test('long audio is heard in spans cut at pauses: the same words as in one go, in order, none lost or doubled at the cuts', async () => {
  const { path } = await readSpeech();
  const whole = await new FasterWhisperTranscriber().transcribe(path);
  // Spans of 20 s instead of 10 minutes: this 70-second file is cut three times.
  const spans = await new FasterWhisperTranscriber({ env: { ...process.env, CLIPFORGE_WHISPER_SPAN_SEC: '20' } }).transcribe(path);
  const text = (t: typeof whole) => t.words.map((w) => w.w.toLowerCase().replace(/[^\p{L}']/gu, '')).filter(Boolean);
  const starts = spans.words.map((w) => w.start);
  assert.deepEqual(
    starts,
    [...starts].sort((a, b) => a - b),
    'words in time order across the cuts',
  );
  const a = text(whole);
  const b = text(spans);
  assert.ok(Math.abs(a.length - b.length) <= 2, `${b.length} words in spans, ${a.length} in one go`);
  const shared = b.filter((w) => a.includes(w)).length;
  assert.ok(shared >= 0.95 * b.length, `the spans heard the same words: ${b.join(' ')}`);
  assert.equal(spans.audioSeconds, whole.audioSeconds);
});
