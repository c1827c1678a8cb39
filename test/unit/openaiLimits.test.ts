import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planParts } from '../../src/media/audioParts.ts';
import { RateLimiter } from '../../src/adapters/openai/rateLimiter.ts';

test('no more than perMinute starts in a window and concurrent at once', async () => {
  const limiter = new RateLimiter({ perMinute: 3, concurrent: 2 }, Date.now, 400);
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 6 }, () =>
      limiter.run(async () => {
        starts.push(Date.now() - t0);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
      }),
    ),
  );
  assert.equal(maxInFlight, 2);
  // The 4th start waits for the 1st to leave the 400 ms window.
  assert.ok(starts[3]! >= 390, `4th started at ${starts[3]} ms`);
  for (let i = 3; i < 6; i++) assert.ok(starts[i]! - starts[i - 3]! >= 390, 'at most 3 starts in any window');
});

test('parts are cut in the middle of a pause in the last half of each span', () => {
  const pauses = [
    { start: 10, end: 10.5 },
    { start: 40, end: 41 },
    { start: 55, end: 55.4 },
    { start: 90, end: 92 },
  ];
  const { parts, hardCuts } = planParts(100, pauses, 60);
  // The longer pause (40-41) wins over the later, shorter one (55-55.4).
  assert.deepEqual(parts, [
    { start: 0, end: 40.5 },
    { start: 40.5, end: 100 },
  ]);
  assert.equal(hardCuts, 0);
  const hard = planParts(100, [], 60);
  assert.deepEqual(
    hard.parts.map((p) => p.end),
    [60, 100],
  );
  assert.equal(hard.hardCuts, 1);
});
