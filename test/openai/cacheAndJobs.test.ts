// Whole jobs on the OpenAI path (the CLI with OPENAI_API_KEY/OPENAI_BASE_URL pointing at the
// loopback server): usage in the manifest, the transcript cache across runs and concurrent jobs,
// and a caption sidecar that skips transcription.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CachingTranscriber } from '../../src/adapters/cache/cachingTranscriber.ts';
import { SqliteTranscriptCache } from '../../src/adapters/cache/sqliteTranscriptCache.ts';
import { CentreTracker } from '../../src/adapters/face/centreTracker.ts';
import { createOpenAi } from '../../src/adapters/openai/openaiClient.ts';
import { WhisperTranscriber } from '../../src/adapters/openai/whisperTranscriber.ts';
import type { Manifest } from '../../src/core/schemas.ts';
import { UsageMeter } from '../../src/core/usage.ts';
import { runLocalJob } from '../../src/runtime/local/runJob.ts';
import { runCli, shortTalk } from '../helpers/media.ts';
import { type FakeOpenAi, fakeOpenAiConfig, startFakeOpenAi } from '../helpers/openaiServer.ts';

let fake: FakeOpenAi;
before(async () => (fake = await startFakeOpenAi()));
after(() => fake.close());

const quiet = { emit: () => undefined, info: () => undefined, warn: () => undefined };
const ARGS = ['--clips', '1', '--min-sec', '10', '--max-sec', '30', '--json'];

async function speech(): Promise<string> {
  // The job's own speech extraction, so cache keys match what jobs compute.
  const dir = await mkdtemp(join(tmpdir(), 'cache-speech-'));
  const wav = join(dir, 'speech.wav');
  const { FfmpegEncoder } = await import('../../src/adapters/ffmpeg/ffmpegEncoder.ts');
  await new FfmpegEncoder().extractSpeech(await shortTalk(), wav);
  return wav;
}

const whisper = () => new WhisperTranscriber(createOpenAi(fakeOpenAiConfig(fake.url)));

test('identical audio is transcribed once: concurrent calls, later calls, and another process on the same cache', async () => {
  const wav = await speech();
  const copy = `${wav}.copy.wav`;
  await copyFile(wav, copy);
  const db = join(await mkdtemp(join(tmpdir(), 'cache-db-')), 'cache.db');
  fake.transcriptions.length = 0;
  fake.delayMs = 200;
  try {
    const one = new CachingTranscriber(whisper(), new SqliteTranscriptCache(db));
    const meters = [new UsageMeter(), new UsageMeter()];
    const [a, b] = await Promise.all([one.transcribe(wav, { meter: meters[0] }), one.transcribe(copy, { meter: meters[1] })]);
    assert.equal(fake.transcriptions.length, 1, 'two jobs at once, one request');
    assert.deepEqual(a, b);
    assert.equal(meters[0]!.snapshot().cacheHits + meters[1]!.snapshot().cacheHits, 1);

    // A second "process": its own transcriber and connection on the same file.
    const other = new CachingTranscriber(whisper(), new SqliteTranscriptCache(db));
    assert.deepEqual(await other.transcribe(copy), a);
    assert.equal(fake.transcriptions.length, 1, 'no request on a later run');

    // Two processes at once on new audio: the lease lets one of them transcribe.
    const fresh = `${wav}.louder.wav`;
    const { ffmpeg } = await import('../helpers/media.ts');
    await ffmpeg(['-i', wav, '-af', 'volume=0.9', fresh]);
    const p1 = new CachingTranscriber(whisper(), new SqliteTranscriptCache(db), { pollMs: 100 });
    const p2 = new CachingTranscriber(whisper(), new SqliteTranscriptCache(db), { pollMs: 100 });
    const [x, y] = await Promise.all([p1.transcribe(fresh), p2.transcribe(fresh)]);
    assert.deepEqual(x, y);
    assert.equal(fake.transcriptions.length, 2, 'one more request for the new audio, not two');
  } finally {
    fake.delayMs = 0;
  }
});

const openaiEnv = (cacheDir: string) => ({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.url, CLIPFORGE_CACHE_DIR: cacheDir });

test('a job on the OpenAI path records usage and cost; running it again makes no transcription request', async () => {
  const talk = await shortTalk();
  const cacheDir = await mkdtemp(join(tmpdir(), 'cache-cli-'));
  fake.transcriptions.length = 0;
  fake.chats.length = 0;
  const out = await mkdtemp(join(tmpdir(), 'openai-job-'));
  const first = await runCli(['run', talk, '--out', join(out, 'a'), '--no-captions', ...ARGS], openaiEnv(cacheDir));
  assert.equal(first.code, 0, first.stderr);
  const m = JSON.parse(first.stdout) as Manifest;
  assert.equal(fake.transcriptions.length, 1);
  assert.ok(fake.chats.length >= 1);
  assert.equal(m.usage.transcriber, 'openai');
  assert.equal(m.usage.scorer, 'openai:gpt-4o');
  assert.equal(m.usage.models['whisper-1']!.requests, 1);
  assert.equal(m.usage.models['gpt-4o']!.requests, fake.chats.length);
  assert.equal(m.usage.llmRequests, fake.chats.length);
  assert.equal(
    m.usage.tokensIn,
    fake.chats.reduce((a, c) => a + c.tokensIn, 0),
  );
  const expected = m.usage.models['whisper-1']!.audioMinutes * 0.006 + (m.usage.tokensIn / 1e6) * 2.5 + (m.usage.tokensOut / 1e6) * 10;
  assert.ok(Math.abs(m.usage.estimatedCostUsd - expected) < 0.002, `${m.usage.estimatedCostUsd} vs ${expected}`);
  assert.match(m.clips[0]!.title, /^Model title/);
  assert.ok(m.clips[0]!.hook);

  const again = await runCli(['run', talk, '--out', join(out, 'b'), '--no-captions', ...ARGS], openaiEnv(cacheDir));
  assert.equal(again.code, 0, again.stderr);
  const m2 = JSON.parse(again.stdout) as Manifest;
  assert.equal(fake.transcriptions.length, 1, 'the second run used the cache');
  assert.equal(m2.usage.cacheHits, 1);
  assert.equal(m2.usage.models['whisper-1'], undefined);
});

test('two jobs of the same media at once make one transcription request', async () => {
  const talk = await shortTalk();
  fake.transcriptions.length = 0;
  const saved = { ...process.env };
  Object.assign(process.env, openaiEnv(await mkdtemp(join(tmpdir(), 'cache-two-'))));
  try {
    const out = await mkdtemp(join(tmpdir(), 'openai-two-'));
    const job = (name: string) =>
      runLocalJob({
        source: talk,
        outDir: join(out, name),
        options: { clips: 1, minSec: 10, maxSec: 30 },
        progress: quiet,
        log: quiet,
        ports: { tracker: new CentreTracker('test') },
      });
    const [a, b] = await Promise.all([job('a'), job('b')]);
    assert.equal(fake.transcriptions.length, 1);
    assert.equal(a.usage.cacheHits + b.usage.cacheHits, 1);
  } finally {
    process.env = saved;
  }
});

test('a caption file beside the video is used and nothing is transcribed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'captions-job-'));
  const talk = join(dir, 'talk.mp4');
  await copyFile(await shortTalk(), talk);
  const sentences = Array.from({ length: 30 }, (_, i) => `Caption sentence number ${i} tells you something new about habits.`);
  const srt = sentences
    .map((s, i) => {
      const t = (x: number) => new Date(x * 1000).toISOString().slice(11, 23).replace('.', ',');
      return `${i + 1}\n${t(i * 3)} --> ${t(i * 3 + 2.4)}\n${s}\n`;
    })
    .join('\n');
  await writeFile(join(dir, 'talk.srt'), srt);
  fake.transcriptions.length = 0;
  const res = await runCli(['run', talk, '--out', join(dir, 'out'), ...ARGS], openaiEnv(await mkdtemp(join(tmpdir(), 'cache-cap-'))));
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /using captions from .*talk\.srt/);
  const m = JSON.parse(res.stdout) as Manifest;
  assert.equal(fake.transcriptions.length, 0);
  assert.equal(m.usage.transcriber, 'captions');
  assert.match(m.clips[0]!.text, /Caption sentence number/);
  const clipSrt = await readFile(join(dir, 'out', m.clips[0]!.srt), 'utf8');
  assert.match(clipSrt, /Caption/);
});

test('a caption file that is not captions is bad input', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'captions-bad-'));
  await writeFile(join(dir, 'notes.srt'), 'this is not a caption file');
  const res = await runCli(['run', await shortTalk(), '--captions', join(dir, 'notes.srt'), '--out', join(dir, 'out'), ...ARGS]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /bad input: captions .*notes\.srt: no caption cues found/);
});
