// The OpenAI limiter relay between serve and its jobs' processes, on in-memory channels: turns
// come from serve's limiter, are held while the request runs, and all come back when a process dies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/adapters/openai/rateLimiter.ts';
import type { OpenAiConfig } from '../../src/adapters/openai/openaiConfig.ts';
import { type LimiterAsk, LimiterDesk, type LimiterGrant, limiterRelay } from '../../src/runtime/local/limiterRelay.ts';

const config = { apiKey: 'k', rate: { perMinute: 100, concurrent: 1 } } as OpenAiConfig;
const tick = () => new Promise((r) => setImmediate(r));

/** A job process's limiters wired to a desk over serve's limiters (one per endpoint), as the IPC channel would. */
function jobProcess(serveLimiter: RateLimiter, serveLimiterOf: (c: OpenAiConfig) => RateLimiter = () => serveLimiter) {
  let relay: ReturnType<typeof limiterRelay>;
  const desk = new LimiterDesk((m: LimiterGrant) => setImmediate(() => relay.granted(m)), serveLimiterOf);
  relay = limiterRelay((m: LimiterAsk) => setImmediate(() => desk.handle(m)));
  return { limiter: relay.limiterFor(config), limiterFor: relay.limiterFor, desk };
}

test("requests of two job processes take turns from serve's one limiter", async () => {
  const serve = new RateLimiter(config.rate);
  const [a, b] = [jobProcess(serve), jobProcess(serve)];
  let inFlight = 0;
  let most = 0;
  const request = async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 20));
    inFlight -= 1;
    return 'answer';
  };
  const answers = await Promise.all([a.limiter.run(request), b.limiter.run(request), a.limiter.run(request), b.limiter.run(request)]);
  assert.deepEqual(answers, ['answer', 'answer', 'answer', 'answer']);
  assert.equal(most, 1, 'never two at once across the processes');
  await tick(); // the last release is on its way over the channel
  await tick();
  assert.equal(serve.state.inFlight, 0, 'every turn came back');
});

test('a process that dies gives back the turn it held and the ones it waited for', async () => {
  const serve = new RateLimiter(config.rate);
  const dying = jobProcess(serve);
  void dying.limiter.run(() => new Promise(() => undefined)); // holds its turn forever
  void dying.limiter.run(() => Promise.resolve()); // waits behind it
  await tick();
  await tick();
  assert.equal(serve.state.inFlight, 1);
  assert.equal(serve.state.waiting, 1);
  dying.desk.close();
  await tick();
  assert.deepEqual({ inFlight: serve.state.inFlight, waiting: serve.state.waiting }, { inFlight: 0, waiting: 0 });
  // Another job's request goes straight through.
  const other = jobProcess(serve);
  assert.equal(await other.limiter.run(async () => 'next'), 'next');
});

test("two endpoints in one job process keep apart: a turn on one never lets the other's request through", async () => {
  const other = { ...config, baseURL: 'http://other' } as OpenAiConfig;
  const limiters = new Map([
    [config, new RateLimiter(config.rate)],
    [other, new RateLimiter(other.rate)],
  ]);
  const job = jobProcess(limiters.get(config)!, (c) => limiters.get(c)!);
  const order: string[] = [];
  // Endpoint A's only turn is held; endpoint B's first request then its second (behind B's own limit of 1).
  let releaseA!: () => void;
  const a = job.limiterFor(config).run(() => new Promise<void>((r) => (releaseA = r)));
  await tick();
  await tick();
  const b1 = job.limiterFor(other).run(async () => void order.push('b1'));
  const a2 = job.limiterFor(config).run(async () => void order.push('a2'));
  await b1;
  await tick();
  await tick();
  assert.deepEqual(order, ['b1'], "A's second request waits for A's turn, whatever B does");
  releaseA();
  await Promise.all([a, a2]);
  assert.deepEqual(order, ['b1', 'a2']);
});
