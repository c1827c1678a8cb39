import assert from 'node:assert/strict';
import { test } from 'node:test';
import { densityScore, firstPass, hookScore } from '../../src/scoring/firstPass.ts';
import { selectNonOverlapping, shortlist } from '../../src/scoring/select.ts';
import { titleFrom } from '../../src/scoring/titles.ts';
import { nothingToClip } from '../../src/stages/score.ts';
import { candidateWindows } from '../../src/scoring/windows.ts';
import { timedWords } from '../helpers/words.ts';

const FILLER = 'so um yeah we will kind of go over some things and then some other things and um basically that is sort of it okay';
const MOMENT = 'here is the secret nobody tells you about money your first idea will be wrong and that is the lesson because growth only multiplies retention';

test('speech density outside 1 to 5 words per second scores zero; a natural pace scores full', () => {
  assert.equal(densityScore(0.8), 0);
  assert.equal(densityScore(5.5), 0);
  assert.equal(densityScore(2.8), 1);
  assert.ok(densityScore(1.5) > 0 && densityScore(1.5) < 1);
});

test('a hook-laden opening scores higher than filler', () => {
  assert.ok(hookScore(['here', 'is', 'the', 'secret', 'nobody', 'tells', 'you']) > hookScore(['so', 'um', 'yeah', 'we', 'will']) + 0.5);
});

test('the strong moment outranks the filler around it, and picks never overlap', () => {
  const script = [FILLER, FILLER, MOMENT, FILLER, FILLER, MOMENT.replace('money', 'teams'), FILLER].join(' | ');
  const words = timedWords(script, { pause: 1.2 });
  const scored = firstPass(words, candidateWindows(words, { minSec: 6, maxSec: 12 }));
  const picks = selectNonOverlapping(scored, 2);
  assert.equal(picks.length, 2);
  for (const p of picks) assert.match(p.text, /^here is the secret nobody/, `picked: ${p.text}`);
  assert.ok(picks[0]!.end <= picks[1]!.start || picks[1]!.end <= picks[0]!.start);
  assert.ok(picks[0]!.score >= picks[1]!.score);
});

test('scoring is deterministic', () => {
  const words = timedWords([FILLER, MOMENT, FILLER, MOMENT].join(' | '));
  const a = firstPass(words, candidateWindows(words, { minSec: 5, maxSec: 15 }));
  const b = firstPass(words, candidateWindows(words, { minSec: 5, maxSec: 15 }));
  assert.deepEqual(selectNonOverlapping(a, 3), selectNonOverlapping(b, 3));
});

test('the shortlist holds distinct moments, not one moment many times', () => {
  const words = timedWords([FILLER, MOMENT, FILLER, MOMENT, FILLER].join(' | '));
  const scored = firstPass(words, candidateWindows(words, { minSec: 5, maxSec: 20 }));
  const list = shortlist(scored, 8);
  for (const a of list)
    for (const b of list) {
      if (a === b) continue;
      const shared = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
      assert.ok(shared <= 0.5 * Math.min(a.end - a.start, b.end - b.start) + 1e-9);
    }
});

test('titles come from the strongest sentence, cleaned, cut at a phrase boundary, cased', () => {
  assert.equal(titleFrom(timedWords('why do teams fail to ship? it is not talent.')), 'Why do teams fail to ship?');
  // A rough offline transcript: no punctuation, a stutter, fillers, a lead-in; pauses mark sentences.
  const rough = timedWords('okay so um we will get started | so the biggest mistake nobody talks about is hiring too fast it it kills teams | thanks');
  assert.equal(titleFrom(rough), 'The biggest mistake nobody talks about is hiring too fast');
  // Too long for a title: cut before the next phrase, never on a dangling small word.
  const long = titleFrom(timedWords('here is the secret nobody tells you about starting a company because nobody wants to admit it.'));
  assert.equal(long, 'Here is the secret nobody tells you about starting a company');
  assert.equal(titleFrom(timedWords('i think i know why your launch failed.')), 'I think I know why your launch failed');
  assert.equal(titleFrom(timedWords('extraordinarily '.repeat(10))), 'Extraordinarily', 'a stutter is one word');
  const huge = titleFrom(timedWords('incomprehensibilities '.repeat(3).replace(/ /g, 'x ') + 'x'.repeat(90)));
  assert.ok(huge.length <= 70);
});

test('no clip: the message says why — no speech at all, a video shorter than the shortest clip, or too little speech', () => {
  assert.match(nothingToClip(0, 300, 20, 60), /no speech was heard in the 300 s of audio \(is the speech on another audio track/);
  assert.match(nothingToClip(12, 8, 20, 60), /the video is 8 s long, shorter than the 20 s shortest clip \(options\.minSec\)/);
  assert.match(nothingToClip(6, 300, 20, 60), /found no 20–60 s stretch of speech .* try a shorter options\.minSec/);
});
