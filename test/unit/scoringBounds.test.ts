// Scoring a long talk in bounded work that leaves the event loop free: a 4-hour transcript gave
// 580,000 windows and 23 s of scoring in one go (a server stopped answering meanwhile).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Word } from '../../src/core/schemas.ts';
import { firstPass, firstPassInSlices } from '../../src/scoring/firstPass.ts';
import { MAX_WINDOWS, candidateWindows } from '../../src/scoring/windows.ts';

/** Sentences of 7 words every 2 s, with a breath between them, for `seconds`. */
function talk(seconds: number): Word[] {
  const words: Word[] = [];
  for (let t = 0, n = 0; t < seconds; t += 2, n++) {
    const text = `so here is idea ${n} that works.`.split(' ');
    for (const [i, w] of text.entries()) words.push({ w, start: t + i * 0.16, end: t + i * 0.16 + 0.14 });
  }
  return words;
}

test('a 4-hour talk gives at most MAX_WINDOWS windows, scored while the event loop keeps turning', async () => {
  const words = talk(4 * 3600);
  const windows = candidateWindows(words, { minSec: 20, maxSec: 60, mediaDuration: 4 * 3600 });
  assert.ok(windows.length <= MAX_WINDOWS && windows.length > MAX_WINDOWS / 2, `${windows.length} windows`);
  // A share of them is enough to see the slices (all of them take seconds).
  const some = windows.slice(0, 10_000);
  let turns = 0;
  const ticker = setInterval(() => turns++, 0);
  const scored = await firstPassInSlices(words, some);
  clearInterval(ticker);
  assert.ok(scored.length > 0);
  assert.ok(turns >= 4, `the event loop had ${turns} turns meanwhile`);
});

test('a talk under the budget keeps every window; the sliced pass scores exactly as the plain one', async () => {
  const words = talk(600);
  const windows = candidateWindows(words, { minSec: 20, maxSec: 60 });
  assert.ok(windows.length < MAX_WINDOWS);
  assert.deepEqual(await firstPassInSlices(words, windows), firstPass(words, windows));
});
