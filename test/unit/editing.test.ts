// The editing rules on their own: bounds snapped to words and sentences, corrections spread over
// the words they replace, the CLI's "west=quest" finder, and what an edit plans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapBounds, wordRange } from '../../src/editing/bounds.ts';
import { correctedWords, findCorrections, mergeCorrections } from '../../src/editing/corrections.ts';
import { planEdit } from '../../src/editing/editPlan.ts';
import { swapped } from '../../src/media/cropGeometry.ts';
import { ClipEditSchema } from '../../src/editing/editSchemas.ts';
import { JobOptionsSchema, type Word } from '../../src/core/schemas.ts';

// "One two three. Four five six. Seven eight nine." at 0.5 s a word with 0.1 s gaps and 1 s between sentences.
const WORDS: Word[] = [];
let t = 1;
for (const sentence of [
  ['One', 'two', 'three.'],
  ['Four', 'five', 'six.'],
  ['Seven', 'eight', 'west.'],
]) {
  for (const w of sentence) {
    WORDS.push({ w, start: Math.round(t * 1000) / 1000, end: Math.round((t + 0.5) * 1000) / 1000 });
    t += 0.6;
  }
  t += 1;
}
const SOURCE = 20;

test('bounds snap to whole words with the windows lead and tail, and to sentences when asked', () => {
  // Four 3.8–4.3 … eight 7.2–7.7, west. 7.8–8.3. 4.0 s is inside "Four": it is taken whole, with
  // the lead before it; 7.5 s inside "eight", taken whole with a tail that stops at "west.".
  assert.deepEqual(snapBounds(WORDS, { start: 4.0, end: 7.5, snap: 'word' }, SOURCE), { start: 3.55, end: 7.8 });
  // Sentence snap: from "five" back to "Four", and on to "west." at the end.
  assert.deepEqual(snapBounds(WORDS, { start: 4.6, end: 7.5, snap: 'sentence' }, SOURCE), { start: 3.55, end: 8.6 });
  assert.throws(() => snapBounds(WORDS, { start: 5, end: 4, snap: 'word' }, SOURCE), /start \(5\.00 s\) must be before end/);
  assert.throws(() => snapBounds(WORDS, { start: 1, end: 30, snap: 'word' }, SOURCE), /past the end of the source \(20\.00 s\)/);
  assert.throws(() => snapBounds(WORDS, { start: 4.1, end: 4.2, snap: 'word' }, SOURCE), /3 s to 3 min long/);
  assert.deepEqual(wordRange(WORDS, 3.55, 7.8), { first: 3, last: 7 });
});

test('a correction takes the words times, spread over a split; empty text hides the word', () => {
  const out = correctedWords(WORDS, [
    { from: 8, to: 8, text: 'quest and rest.' },
    { from: 1, to: 1, text: '' },
  ]);
  assert.deepEqual(
    out.map((w) => w.w),
    ['One', 'three.', 'Four', 'five', 'six.', 'Seven', 'eight', 'quest', 'and', 'rest.'],
  );
  const split = out.slice(-3);
  assert.equal(split[0]!.start, WORDS[8]!.start);
  assert.equal(split[2]!.end, WORDS[8]!.end);
  assert.ok(split[0]!.end <= split[1]!.start && split[1]!.end <= split[2]!.start);
  // A new correction replaces an older one it overlaps.
  assert.deepEqual(
    mergeCorrections(
      [
        { from: 3, to: 4, text: 'x' },
        { from: 8, to: 8, text: 'y' },
      ],
      [{ from: 4, to: 5, text: 'z' }],
    ),
    [
      { from: 4, to: 5, text: 'z' },
      { from: 8, to: 8, text: 'y' },
    ],
  );
});

test('the CLI finder matches words whatever their case and punctuation, keeping a sentence end', () => {
  const range = { first: 0, last: 8 };
  assert.deepEqual(findCorrections('west=quest', WORDS, range, 'clip 1'), [{ from: 8, to: 8, text: 'quest.' }]);
  assert.deepEqual(findCorrections('four five=45', WORDS, range, 'clip 1'), [{ from: 3, to: 4, text: '45' }]);
  assert.deepEqual(findCorrections('six=', WORDS, range, 'clip 1'), [{ from: 5, to: 5, text: '' }]);
  assert.throws(() => findCorrections('west=quest', WORDS, { first: 0, last: 2 }, 'clip 1'), /clip 1 has no words "west"/);
  assert.throws(() => findCorrections('quest', WORDS, range, 'clip 1'), /must be WORDS=CORRECTION/);
});

test('an edit plans new bounds, text and version; the kept crop is reused only when the frame is unchanged', () => {
  const options = JobOptionsSchema.parse({});
  const crop = {
    crop: { w: 100, h: 178 },
    path: [{ t: 0, cx: 0.5, cy: 0.5 }],
    fallback: null,
    layout: 'split' as const,
    pair: { share: 1, left: [{ t: 0, cx: 0.2, cy: 0.5 }], right: [{ t: 0, cx: 0.8, cy: 0.5 }] },
  };
  const clip = {
    rank: 1,
    start: 3.55,
    end: 5.8,
    score: 50,
    title: 'Four five six',
    reason: 'r',
    text: 'Four five six.',
    duration: 2.55,
    file: 'clip-1.mp4',
    srt: 'clip-1.srt',
    vtt: 'clip-1.vtt',
    thumbnail: 'clip-1.jpg',
    crop: { fallback: null },
  };
  const base = { words: WORDS, sourceSec: SOURCE, frame: { width: 1920, height: 1080 }, options, clip, keep: { crop, corrections: [] } };
  const style = planEdit({ ...base, edit: ClipEditSchema.parse({ captionStyle: 'boxed', corrections: [{ from: 5, to: 5, text: 'sixty.' }] }) });
  assert.equal(style.plan.version, 2);
  assert.equal(style.plan.text, 'Four five sixty.');
  assert.equal(style.crop, crop, 'same bounds and frame: no tracking');
  assert.deepEqual(style.changed, ['captions', 'captionStyle']);
  const wider = planEdit({ ...base, edit: ClipEditSchema.parse({ end: 7.5, snap: 'sentence' }) });
  assert.equal(wider.crop, undefined, 'new bounds: tracked again');
  assert.equal(wider.plan.text, 'Four five six. Seven eight west.');
  assert.throws(() => planEdit({ ...base, edit: ClipEditSchema.parse({ corrections: [{ from: 0, to: 0, text: 'x' }] }) }), /outside clip 1 \(words 3–5\)/);
  assert.throws(() => planEdit({ ...base, edit: ClipEditSchema.parse({}) }), /changes nothing/);
  const swap = planEdit({ ...base, edit: ClipEditSchema.parse({ framing: { swap: true } }) });
  assert.equal(swap.applySwap, true);
  assert.deepEqual(swapped(crop).pair?.left, crop.pair.right);
  const pinned = planEdit({ ...base, edit: ClipEditSchema.parse({ framing: { pin: { x: 0.25, y: 0.5 } } }) });
  assert.deepEqual(pinned.crop?.path, [{ t: 3.55, cx: 0.25, cy: 0.5 }]);
  // A person chosen to follow: tracked again, following them, and kept for later edits.
  const follow = planEdit({ ...base, edit: ClipEditSchema.parse({ framing: { follow: { x: 0.8, y: 0.4 } } }) });
  assert.equal(follow.crop, undefined);
  assert.deepEqual(follow.follow, { x: 0.8, y: 0.4 });
  assert.deepEqual(follow.framing, { follow: { x: 0.8, y: 0.4 } });
  const later = planEdit({ ...base, keep: { crop, corrections: [], framing: { follow: { x: 0.8, y: 0.4 } } }, edit: ClipEditSchema.parse({ end: 7.5 }) });
  assert.deepEqual(later.follow, { x: 0.8, y: 0.4 }, 'a later edit that tracks again still follows them');
  assert.throws(
    () => planEdit({ ...base, edit: ClipEditSchema.parse({ layout: 'fit', framing: { follow: { x: 0.8, y: 0.4 } } }) }),
    /following a person needs layout "follow" or "auto"/,
  );
  assert.equal(pinned.crop?.layout, 'follow');
});
