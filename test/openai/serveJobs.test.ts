// serve runs each job in a process of its own (src/runtime/local/jobProcess.ts), but OpenAI's
// limit is the account's: the jobs' requests take their turns from serve's one limiter
// (src/runtime/local/limiterRelay.ts). Two jobs of different media at once, with
// CLIPFORGE_OPENAI_CONCURRENCY=1, never have two requests at the loopback OpenAI server together.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cached, ffmpeg, shortTalk } from '../helpers/media.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/openaiServer.ts';
import { call, follow } from '../helpers/serveClient.ts';
import { serveProcess } from '../helpers/serveProcess.ts';

let fake: FakeOpenAi;
before(async () => (fake = await startFakeOpenAi()));
after(() => fake.close());

async function twoJobsAtOnce(concurrent: number): Promise<{ maxInFlight: number; requests: number }> {
  fake.maxInFlight = 0;
  fake.transcriptions.length = 0;
  fake.chats.length = 0;
  // Each answer takes a while, so the two jobs' requests are due together.
  fake.delayMs = 3000;
  const srv = await serveProcess(await mkdtemp(join(tmpdir(), 'cf-serve-openai-')), ['--concurrency', '2'], {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    CLIPFORGE_OPENAI_CONCURRENCY: String(concurrent),
    CLIPFORGE_CACHE_DIR: await mkdtemp(join(tmpdir(), 'cf-serve-openai-cache-')),
  });
  try {
    const options = { clips: 1, minSec: 10, maxSec: 30 };
    // Different audio, so neither job's transcript is the other's from the cache.
    const talk = await shortTalk();
    const sources = [talk, await cached('short-talk-first-70s.mp4', (p) => ffmpeg(['-i', talk, '-t', '70', '-c', 'copy', p]))];
    const ids: string[] = [];
    for (const path of sources) {
      const created = await call(srv.url, 'POST', '/jobs', { source: { path }, options });
      assert.equal(created.status, 202, JSON.stringify(created.json));
      ids.push(created.json.jobId as string);
    }
    for (const id of ids) {
      const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, id);
      const final = await ws.final;
      ws.close();
      assert.equal(final.type, 'done', JSON.stringify(final));
    }
    return { maxInFlight: fake.maxInFlight, requests: fake.transcriptions.length + fake.chats.length };
  } finally {
    fake.delayMs = 0;
    await srv.stop();
  }
}

test("two jobs in their own processes keep to serve's one OpenAI limit (1 at a time); at 2 they overlap (the control)", async () => {
  const one = await twoJobsAtOnce(1);
  assert.equal(fake.transcriptions.length >= 2, true, 'both jobs were transcribed by the API');
  assert.equal(one.maxInFlight, 1, `at most one request at a time across both jobs (${one.requests} requests)`);
  const two = await twoJobsAtOnce(2);
  assert.equal(two.maxInFlight, 2, 'with room for two, the jobs do send together: the first result is the limit at work');
});
