import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOB_STATUSES, OPEN_STATUSES, canMove, isOpen, statusesInto } from '../../src/jobs/status.ts';

test('a job that ended is never revived; open jobs move on', () => {
  for (const ended of ['done', 'failed', 'cancelled'] as const) {
    assert.equal(isOpen(ended), false);
    for (const to of JOB_STATUSES) assert.equal(canMove(ended, to), false, `${ended} -> ${to}`);
  }
  assert.deepEqual([...OPEN_STATUSES], ['queued', 'running']);
  for (const [from, to] of [
    ['queued', 'running'],
    ['queued', 'cancelled'],
    ['running', 'done'],
    ['running', 'failed'],
    ['running', 'cancelled'],
    ['running', 'queued'],
  ] as const) {
    assert.equal(canMove(from, to), true, `${from} -> ${to}`);
  }
  assert.equal(canMove('queued', 'done'), false, 'nothing finishes without running');
});

test("a store's write condition is the same table read backwards", () => {
  assert.deepEqual(statusesInto('running'), ['queued', 'running']);
  assert.deepEqual(statusesInto('done'), ['running']);
  assert.deepEqual(statusesInto('cancelled'), ['queued', 'running']);
  assert.deepEqual(statusesInto('queued'), ['running']);
});
