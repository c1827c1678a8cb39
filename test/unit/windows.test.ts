import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateWindows } from '../../src/scoring/windows.ts';
import { timedWords } from '../helpers/words.ts';

const sentence = (n: number, word = 'talk') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

test('windows start after a pause and end before one, within the length limits', () => {
  const words = timedWords(`${sentence(20)} | ${sentence(20, 'b')} | ${sentence(20, 'c')} | ${sentence(20, 'd')}`);
  const wins = candidateWindows(words, { minSec: 10, maxSec: 20 });
  assert.ok(wins.length > 0);
  for (const w of wins) {
    assert.ok(w.end - w.start >= 10 && w.end - w.start <= 20, `length ${w.end - w.start}`);
    assert.ok(w.first === 0 || words[w.first]!.start - words[w.first - 1]!.end >= 0.45, 'starts after a pause');
    assert.ok(w.last === words.length - 1 || words[w.last + 1]!.start - words[w.last]!.end >= 0.45, 'ends before a pause');
  }
});

test('the start is pulled back into the pause but never before the previous word ends; the end gets a short tail', () => {
  const words = timedWords(`${sentence(30)} | ${sentence(30, 'b')}`, { pause: 0.8 });
  const second = candidateWindows(words, { minSec: 5, maxSec: 30 }).find((w) => w.first === 30)!;
  assert.ok(second, 'a window starts at the second sentence');
  assert.equal(second.start, Math.round((words[30]!.start - 0.25) * 1000) / 1000);
  assert.ok(second.start >= words[29]!.end);
  assert.ok(second.end > words[second.last]!.end && second.end <= words[second.last]!.end + 0.3 + 1e-9);
});

test('punctuation marks sentence boundaries even without pauses', () => {
  const words = timedWords(`${sentence(25)}. ${sentence(25, 'b')}. ${sentence(25, 'c')}.`.replace(/(\d)\./g, '$1.'));
  const wins = candidateWindows(words, { minSec: 5, maxSec: 15 });
  assert.ok(
    wins.some((w) => w.first === 25),
    'starts after a full stop',
  );
  for (const w of wins) assert.match(words[w.last]!.w, /\.$|^\w+$/);
});

test('speech with no pause at all still yields windows by relaxing the pause threshold', () => {
  const words = timedWords(sentence(200));
  const wins = candidateWindows(words, { minSec: 20, maxSec: 40 });
  assert.ok(wins.length > 0);
});

test('no words, no windows', () => {
  assert.deepEqual(candidateWindows([], { minSec: 10, maxSec: 20 }), []);
});

/** The rule as it was: every window made, then thinned to the budget (evenly spread ends per start). */
function madeThenThinned(words: ReturnType<typeof timedWords>, opts: { minSec: number; maxSec: number }, budget: number) {
  const all = candidateWindows(words, { ...opts, maxWindows: Number.POSITIVE_INFINITY });
  if (all.length <= budget) return all;
  const byStart = new Map<number, typeof all>();
  for (const w of all) byStart.set(w.first, [...(byStart.get(w.first) ?? []), w]);
  const perStart = Math.max(1, Math.floor(budget / byStart.size));
  return [...byStart.values()].flatMap((g) =>
    g.length <= perStart ? g : Array.from({ length: perStart }, (_, k) => g[Math.round((k * (g.length - 1)) / Math.max(1, perStart - 1))]!),
  );
}

test('over the budget, each start keeps ends spread evenly: the same windows as making them all and thinning after', () => {
  // No pauses and no punctuation: every word ends a window, the worst case.
  const words = timedWords(sentence(400));
  const opts = { minSec: 5, maxSec: 15 };
  const all = candidateWindows(words, { ...opts, maxWindows: Number.POSITIVE_INFINITY });
  for (const budget of [50, 400, 1000, all.length - 1, all.length]) {
    const bounded = candidateWindows(words, { ...opts, maxWindows: budget });
    assert.deepEqual(bounded, madeThenThinned(words, opts, budget), `budget ${budget}`);
    assert.ok(bounded.length <= Math.max(budget, new Set(all.map((w) => w.first)).size), `budget ${budget}: ${bounded.length}`);
  }
  assert.ok(all.length > 1000, `the case is over the budgets tried (${all.length} windows)`);
});

test('a transcript of 8 words a second with no pause never makes more windows than the budget while it works', () => {
  // 40,000 words at the caption limit's density (a hostile caption file's worth): 19 million windows unbounded.
  const words = Array.from({ length: 40_000 }, (_, i) => ({ w: `w${i}`, start: i / 8, end: i / 8 + 0.1 }));
  const before = process.memoryUsage().heapUsed;
  const wins = candidateWindows(words, { minSec: 20, maxSec: 60 });
  const grew = process.memoryUsage().heapUsed - before;
  assert.ok(wins.length <= 100_000, `${wins.length} windows`);
  // 100,000 windows are about 15 MB; the unbounded rule held over 1 GB here.
  assert.ok(grew < 200 * 1024 * 1024, `heap grew ${(grew / 1e6).toFixed(0)} MB`);
});
