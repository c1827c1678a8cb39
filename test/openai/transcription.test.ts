// WhisperTranscriber through the real openai client against the loopback OpenAI-protocol server:
// request shape, splitting long audio at pauses under the upload limit, stitching, the shared
// concurrency limit, Retry-After, and a request that keeps failing.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOpenAi } from '../../src/adapters/openai/openaiClient.ts';
import type { OpenAiConfig } from '../../src/adapters/openai/openaiConfig.ts';
import { WhisperTranscriber } from '../../src/adapters/openai/whisperTranscriber.ts';
import { UsageMeter } from '../../src/core/usage.ts';
import { findPauses } from '../../src/media/silences.ts';
import { cached, ffmpeg } from '../helpers/media.ts';
import { type FakeOpenAi, fakeOpenAiConfig, startFakeOpenAi } from '../helpers/openaiServer.ts';

let fake: FakeOpenAi;
before(async () => (fake = await startFakeOpenAi()));
after(() => fake.close());

const config = (over: Partial<OpenAiConfig> = {}): OpenAiConfig => fakeOpenAiConfig(fake.url, { attempts: 5, ...over });

/** Tone bursts of uneven length and spacing: "speech" whose onsets FFmpeg can find exactly. */
const bursts = (seconds: number) =>
  cached(`bursts-${seconds}s.wav`, (p) =>
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `aevalsrc='0.5*sin(2*PI*440*t)*lt(mod(t\\,2.7)\\,1.1+0.4*sin(t/7))':s=16000:d=${seconds}`,
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      p,
    ]),
  );

function onsetsOf(words: Array<{ start: number; end: number }>): number[] {
  return words.filter((w, i) => i === 0 || w.start - words[i - 1]!.end > 0.2).map((w) => w.start);
}

test('long audio is split at pauses under the upload limit, sent 2 at a time, and stitched in order', async () => {
  const audio = await bursts(360);
  fake.transcriptions.length = 0;
  fake.maxInFlight = 0;
  fake.delayMs = 300;
  try {
    const limit = 400_000;
    const api = createOpenAi(config({ maxUploadBytes: limit }));
    const meter = new UsageMeter();
    const transcript = await new WhisperTranscriber(api).transcribe(audio, { meter });

    const reqs = fake.transcriptions;
    assert.ok(reqs.length >= 4, `split into ${reqs.length} parts`);
    for (const r of reqs) {
      assert.ok(r.bytes <= limit, `part of ${r.bytes} bytes is over ${limit}`);
      assert.equal(r.model, 'whisper-1');
      assert.equal(r.responseFormat, 'verbose_json');
      assert.deepEqual(r.granularities.sort(), ['segment', 'word']);
      assert.equal(r.fileType, 'audio/mpeg');
    }
    assert.equal(fake.maxInFlight, 2, 'parts run in parallel, never more than 2 at once');

    // Every burst comes back once, at its time in the whole file, in order.
    const truth = [0, ...(await findPauses(audio, { minSec: 0.25 })).map((p) => p.end)].filter((t) => t < 359.5);
    const got = onsetsOf(transcript.words);
    assert.equal(got.length, truth.length, `bursts: got ${got.length}, expected ${truth.length}`);
    for (const [i, t] of got.entries()) assert.ok(Math.abs(t - truth[i]!) < 0.1, `burst ${i}: ${t} vs ${truth[i]}`);
    for (const [i, w] of transcript.words.entries()) if (i) assert.ok(w.start >= transcript.words[i - 1]!.start, 'words in order');
    assert.ok(Math.abs(transcript.audioSeconds - 360) < 0.5);

    const usage = meter.snapshot().models['whisper-1']!;
    assert.equal(usage.requests, reqs.length);
    assert.ok(Math.abs(usage.audioSeconds - 360) < 0.5);
  } finally {
    fake.delayMs = 0;
  }
});

test('a 429 is retried after the Retry-After the server asked for', async () => {
  const audio = await bursts(20);
  fake.transcriptions.length = 0;
  fake.failures.push({ status: 429, retryAfter: '1' });
  const meter = new UsageMeter();
  const api = createOpenAi(config());
  const transcript = await new WhisperTranscriber(api).transcribe(audio, { meter });
  assert.equal(fake.transcriptions.length, 2);
  const gap = fake.transcriptions[1]!.at - fake.transcriptions[0]!.at;
  assert.ok(gap >= 950, `retried after ${gap} ms, Retry-After asked for 1000`);
  assert.ok(transcript.words.length > 0);
  assert.equal(meter.snapshot().models['whisper-1']!.requests, 2, 'the retry is counted');
});

test('a request that keeps failing fails the transcription with a clear error', async () => {
  const audio = await bursts(20);
  fake.failures.push({ status: 503, retryAfter: '0' }, { status: 503, retryAfter: '0' }, { status: 503, retryAfter: '0' });
  const api = createOpenAi(config({ attempts: 3 }));
  await assert.rejects(new WhisperTranscriber(api).transcribe(audio), /transcribing 20 s of audio at 0\.0 s with whisper-1 failed after 3 attempts: HTTP 503/);
  assert.equal(fake.failures.length, 0);
});

test('a bad key is not retried', async () => {
  const audio = await bursts(20);
  fake.transcriptions.length = 0;
  const api = createOpenAi(config({ apiKey: 'wrong-key' }));
  await assert.rejects(new WhisperTranscriber(api).transcribe(audio), /failed: HTTP 401/);
});

test('the whole speech goes in one request when it fits', async () => {
  const audio = await bursts(20);
  fake.transcriptions.length = 0;
  const dir = await mkdtemp(join(tmpdir(), 'whisper-one-'));
  const api = createOpenAi(config());
  const parts = await new WhisperTranscriber(api).split(audio, dir);
  assert.equal(parts.length, 1);
  assert.ok(parts[0]!.bytes < 100_000, 'compressed to a low-bitrate mono MP3');
});
