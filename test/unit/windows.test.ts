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
