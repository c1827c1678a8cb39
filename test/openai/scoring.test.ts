// OpenAiScorer through the real openai client against the loopback server: request shape with
// the JSON schema, batching, verdicts applied, invalid answers retried once then falling back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOpenAi } from '../../src/adapters/openai/openaiClient.ts';
import { OpenAiScorer } from '../../src/adapters/openai/openaiScorer.ts';
import type { ScoredCandidate } from '../../src/core/ports.ts';
import { UsageMeter } from '../../src/core/usage.ts';
import { type FakeOpenAi, fakeOpenAiConfig, startFakeOpenAi, verdictsFor } from '../helpers/openaiServer.ts';

let fake: FakeOpenAi;
before(async () => (fake = await startFakeOpenAi()));
after(() => fake.close());

const scorer = () => new OpenAiScorer(createOpenAi(fakeOpenAiConfig(fake.url)));

const candidates: ScoredCandidate[] = Array.from({ length: 6 }, (_, i) => ({
  start: i * 40,
  end: i * 40 + 20 + i,
  text: `candidate number ${i} says something worth hearing`,
  score: 40 + i,
  title: `first-pass title ${i}`,
  reason: `first-pass reason ${i}`,
}));

test('candidates go out a few per request with the JSON schema, and come back scored', async () => {
  fake.chats.length = 0;
  const meter = new UsageMeter();
  const out = await scorer().refine(candidates, { meter });
  assert.equal(fake.chats.length, 2, '6 candidates in batches of 4');
  for (const { body } of fake.chats) {
    assert.equal(body.model, 'gpt-4o');
    assert.equal(body.response_format?.type, 'json_schema');
    assert.equal(body.response_format?.json_schema?.name, 'clip_scores');
    assert.equal(body.response_format?.json_schema?.strict, true);
    const clips = (body.response_format!.json_schema!.schema as { properties: { clips: { items: { required: string[] } } } }).properties.clips;
    assert.deepEqual([...clips.items.required].sort(), ['hook', 'id', 'reason', 'score', 'title']);
  }
  // The two batches go out at once: either may arrive first.
  const sent = fake.chats.map((c) => c.body.messages[1]!.content as string).sort();
  assert.match(sent[0]!, /candidate number 0/);
  assert.match(sent[1]!, /candidate number 5/);
  assert.equal(out.length, 6);
  out.forEach((c, i) => {
    assert.equal(c.start, candidates[i]!.start, 'order and times kept');
    assert.equal(c.score, Math.min(100, 50 + Math.round(c.end - c.start)));
    assert.equal(c.title, `Model title ${i % 4}`);
    assert.match(c.hook ?? '', /^candidate number/);
  });
  const usage = meter.snapshot().models['gpt-4o']!;
  assert.equal(usage.requests, 2);
  assert.equal(
    usage.tokensIn,
    fake.chats.reduce((a, c) => a + c.tokensIn, 0),
  );
  assert.ok(usage.tokensOut > 0);
});

test('an invalid answer is asked for again once', async () => {
  fake.chats.length = 0;
  let calls = 0;
  fake.chat = (req) => (++calls === 1 ? '{"clips": [{"id": 0, "score": 250}]}' : verdictsFor(req));
  try {
    const out = await scorer().refine(candidates.slice(0, 3));
    assert.equal(fake.chats.length, 2);
    assert.equal(out[0]!.title, 'Model title 0');
  } finally {
    fake.chat = verdictsFor;
  }
});

test('an answer invalid twice keeps the first-pass scores with the reason recorded', async () => {
  fake.chats.length = 0;
  const tooLong = (req: Parameters<typeof verdictsFor>[0]) => {
    const v = JSON.parse(verdictsFor(req));
    v.clips[0].title = 'x'.repeat(71);
    return JSON.stringify(v);
  };
  fake.chat = tooLong;
  try {
    const out = await scorer().refine(candidates.slice(0, 3));
    assert.equal(fake.chats.length, 2, 'one retry, no more');
    out.forEach((c, i) => {
      assert.equal(c.score, candidates[i]!.score);
      assert.equal(c.title, candidates[i]!.title);
      assert.match(c.reason, /first-pass score kept: the model's answer was invalid twice \(clips\.0\.title: .*70/);
    });
  } finally {
    fake.chat = verdictsFor;
  }
});

test('a verdict missing for a candidate counts as invalid', async () => {
  fake.chats.length = 0;
  fake.chat = (req) => {
    const v = JSON.parse(verdictsFor(req));
    v.clips.pop();
    return JSON.stringify(v);
  };
  try {
    const out = await scorer().refine(candidates.slice(0, 2));
    assert.equal(fake.chats.length, 2);
    assert.match(out[0]!.reason, /no verdict for candidate 1/);
  } finally {
    fake.chat = verdictsFor;
  }
});
