// Layout auto, per clip: two people apart get a part each; a face on screen is followed; a clip
// without one is fitted whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { splitParts } from '../../src/media/frames.ts';
import { MIN_FACE_SHARE, chooseLayout } from '../../src/stages/track.ts';

const frame = { width: 1920, height: 1080 };
const path = (faces: number | undefined, fallback: string | null = null) => ({ ...centreCrop(frame, fallback), faces });

test('auto follows a face seen through the clip, fits a clip without one, and says why', () => {
  assert.deepEqual(chooseLayout('auto', path(0.9)), { layout: 'follow', layoutWhy: 'a face in 90% of the clip: the crop follows it' });
  const slides = chooseLayout('auto', path(0, 'no face found'));
  assert.equal(slides.layout, 'fit');
  assert.match(slides.layoutWhy!, /a face in 0% of the clip: the whole frame/);
  assert.equal(chooseLayout('auto', path(MIN_FACE_SHARE / 2)).layout, 'fit', 'a face glimpsed once is not a subject');
  // No tracker here (or it failed): a centre crop, as before, with the reason.
  assert.match(chooseLayout('auto', path(undefined, 'no face tracker installed')).layoutWhy!, /no face tracking here \(no face tracker installed\)/);
  assert.equal(chooseLayout('follow', path(0)).layout, 'follow', 'follow asked for is kept');
  assert.equal(chooseLayout('fit', path(1)).layout, 'fit');
});

test('the crop has the output frame shape', () => {
  assert.deepEqual(centreCrop(frame, null, 9 / 16).crop, { w: 606, h: 1080 });
  assert.deepEqual(centreCrop(frame, null, 1).crop, { w: 1080, h: 1080 });
  assert.deepEqual(centreCrop(frame, null, 16 / 9).crop, { w: 1920, h: 1080 });
});

test('auto splits for two people held apart through most of the clip; split asked for without two people follows one', () => {
  const pair = (share: number) => ({ share, crop: { w: 640, h: 720 }, left: [{ t: 0, cx: 0.25, cy: 0.4 }], right: [{ t: 0, cx: 0.75, cy: 0.4 }] });
  const two = { ...path(1), pair: pair(0.8) };
  assert.deepEqual(chooseLayout('auto', two), { layout: 'split', layoutWhy: 'two people apart in 80% of the clip: a part each' });
  assert.equal(chooseLayout('auto', { ...path(1), pair: pair(0.3) }).layout, 'follow', 'a passer-by is not a conversation');
  assert.equal(chooseLayout('split', { ...path(1), pair: pair(0.3) }).layout, 'split');
  assert.match(chooseLayout('split', path(1)).layoutWhy!, /no two people side by side were found/);
});

test('split parts: stacked on tall and square frames, side by side on wide ones, even sizes that fill the frame', () => {
  assert.deepEqual(splitParts({ width: 1080, height: 1920 }), {
    stack: 'vstack',
    parts: [
      { w: 1080, h: 960 },
      { w: 1080, h: 960 },
    ],
  });
  assert.deepEqual(splitParts({ width: 1080, height: 1350 }), {
    stack: 'vstack',
    parts: [
      { w: 1080, h: 674 },
      { w: 1080, h: 676 },
    ],
  });
  assert.deepEqual(splitParts({ width: 1920, height: 1080 }), {
    stack: 'hstack',
    parts: [
      { w: 960, h: 1080 },
      { w: 960, h: 1080 },
    ],
  });
});
