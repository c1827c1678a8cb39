// `--clips auto`: more clips from longer sources, never a weak one to fill the count, never two on one moment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScoredCandidate } from '../../src/core/ports.ts';
import { AUTO_FLOOR, MAX_AUTO_CLIPS, autoClipTarget, pickClips } from '../../src/scoring/clipCount.ts';

const cand = (start: number, score: number, len = 30): ScoredCandidate => ({ start, end: start + len, score, text: 'x', title: 't', reason: 'r' });

test('the target follows the length: about 3 for 10 minutes, 10 for an hour, bounded', () => {
  assert.equal(autoClipTarget(10 * 60), 3);
  assert.equal(autoClipTarget(60 * 60), 10);
  assert.equal(autoClipTarget(90), 2);
  assert.equal(autoClipTarget(20), 2);
  assert.ok(autoClipTarget(30 * 60) > autoClipTarget(10 * 60) && autoClipTarget(30 * 60) < autoClipTarget(60 * 60));
  assert.equal(autoClipTarget(10 * 3600), MAX_AUTO_CLIPS);
});

test('auto keeps only clips near the best, none overlapping; an exact count is exact', () => {
  // An hour: room for 10, but only four good moments and weak ones after them.
  const good = [cand(0, 90), cand(300, 85), cand(900, 70), cand(1500, 60)];
  const weak = [cand(2000, 40), cand(2400, 30), cand(2800, 20)];
  const overlapping = cand(10, 89); // the best moment again, shifted
  const picked = pickClips([...weak, overlapping, ...good], 'auto', 3600);
  assert.deepEqual(
    picked.map((c) => c.start),
    [0, 300, 900, 1500],
  );
  assert.ok(picked.every((c) => c.score >= AUTO_FLOOR * 90));
  assert.equal(pickClips([...weak, ...good], 6, 3600).length, 6, '--clips 6 gives six');
  // A ten-minute source with ten strong moments still gets about three.
  const strong = Array.from({ length: 10 }, (_, i) => cand(i * 50, 90 - i));
  assert.equal(pickClips(strong, 'auto', 600).length, 3);
});
