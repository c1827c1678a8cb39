import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assEscape, assTime, buildAss, groupOptionsFor } from '../../src/captions/ass.ts';
import { CAPTION_STYLES, captionLook, safeZone } from '../../src/captions/styles.ts';
import { clipWords, groupWords } from '../../src/captions/groups.ts';
import { buildSrt, buildVtt } from '../../src/captions/sidecars.ts';
import { timedWords } from '../helpers/words.ts';

const words = timedWords('this is a sentence with several words in it | and after a pause another extraordinary sentence follows here');

test('groups hold at most 20 characters and 2 seconds, and break at pauses', () => {
  const groups = groupWords(words, 30);
  for (const g of groups) {
    const text = g.words.map((w) => w.w).join(' ');
    assert.ok(text.length <= 20 || g.words.length === 1, `too long: ${text}`);
    assert.ok(g.words[g.words.length - 1]!.end - g.start <= 2 + 1e-9);
  }
  assert.ok(
    groups.some((g) => g.words[0]!.w === 'and'),
    'a pause starts a new group',
  );
  for (let i = 1; i < groups.length; i++) assert.ok(groups[i]!.start >= groups[i - 1]!.end, 'groups never overlap');
});

test('clip words are shifted to clip time and clamped to the clip', () => {
  const inClip = clipWords(words, 1.0, 3.0);
  assert.ok(inClip.length > 0);
  assert.ok(inClip.every((w) => w.start >= 0 && w.end <= 2.0));
  assert.equal(inClip[0]!.w, words.find((w) => w.end > 1.0)!.w);
});

test('ASS has one event per word, back to back, with only the spoken word highlighted', () => {
  const groups = groupWords(words, 30);
  const ass = buildAss(groups, { width: 1080, height: 1920 });
  assert.match(ass, /PlayResX: 1080\nPlayResY: 1920/);
  const events = ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
  assert.equal(events.length, words.length);
  for (const e of events) assert.equal(e.match(/\\fscx107/g)?.length, 1, 'exactly one highlighted word');
  const first = groups[0]!;
  const inGroup = events.slice(0, first.words.length);
  for (let i = 1; i < inGroup.length; i++) {
    assert.equal(inGroup[i]!.split(',')[1], inGroup[i - 1]!.split(',')[2], 'each word event starts when the previous ends');
  }
  assert.match(events[1]!, /\{\\c&H0000E5FF\\fscx107\\fscy107\}IS\{\\r\}/);
});

test("a word's punctuation stays outside the highlight (Whisper's words carry it)", () => {
  const said = [
    { w: 'company.', start: 0, end: 0.5 },
    { w: '¿Qué?', start: 0.6, end: 1 },
  ];
  const events = buildAss(groupWords(said, 2), { width: 1080, height: 1920 })
    .split('\n')
    .filter((l) => l.startsWith('Dialogue:'));
  assert.match(events[0]!, /\\fscy107\}COMPANY\{\\r\}\.$/);
  assert.match(events[1]!, /¿\{[^}]*\\fscy107\}QUÉ\{\\r\}\?$/);
});

test('ASS text cannot inject override tags', () => {
  assert.equal(assEscape('a{\\b1}b'), 'a(⧵b1)b');
  assert.equal(assTime(3725.456), '1:02:05.46');
});

test('SRT and VTT cues match the groups, relative to the clip', () => {
  const groups = groupWords(clipWords(words, 0.5, 10), 9.5);
  const srt = buildSrt(groups);
  const vtt = buildVtt(groups);
  assert.match(srt, /^1\n00:00:00,000 --> 00:00:0\d,\d{3}\nthis is a/);
  assert.match(vtt, /^WEBVTT\n\n00:00:00\.000 --> /);
  assert.equal(srt.match(/-->/g)?.length, groups.length);
  assert.equal(vtt.match(/-->/g)?.length, groups.length);
});

test('VTT cue text is escaped and SRT text has no timing arrow: words with <, & or --> stay words', () => {
  const groups = groupWords(timedWords('if a<b & c --> d then <b>bold</b>'), 10);
  const vtt = buildVtt(groups);
  const cues = vtt.split('\n\n').slice(1).filter(Boolean);
  assert.equal(cues.length, groups.length);
  for (const cue of cues) {
    const [timing, ...lines] = cue.split('\n');
    assert.match(timing!, /^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$/);
    assert.doesNotMatch(lines.join('\n'), /<|-->|&(?!amp;|lt;|gt;)/, cue);
  }
  const spoken = cues.map((c) => c.split('\n').slice(1).join(' ').trim()).join(' ');
  assert.equal(spoken.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'), 'if a<b & c --> d then <b>bold</b>');
  const srt = buildSrt(groups);
  assert.equal(srt.match(/-->/g)?.length, groups.length, 'one arrow per cue, none in the text');
});

test('caption looks follow the frame: size from its short side, groups of at most two lines, margins clear of the safe zone', () => {
  for (const [w, h] of [
    [1080, 1920],
    [1080, 1080],
    [1080, 1350],
    [1920, 1080],
  ] as const) {
    const zone = safeZone({ width: w, height: h });
    for (const style of CAPTION_STYLES) {
      const look = captionLook(style, { width: w, height: h });
      assert.ok(look.size >= 0.04 * Math.min(w, h) && look.size <= 0.09 * Math.min(w, h), `${style} ${w}x${h}: size ${look.size}`);
      assert.ok(look.marginV >= h * zone.bottom, `${style} ${w}x${h}: bottom margin`);
      assert.ok(look.marginR >= w * zone.right, `${style} ${w}x${h}: right margin`);
      assert.ok(groupOptionsFor(look).maxChars <= 2 * look.lineChars, `${style} ${w}x${h}: two lines at most`);
    }
  }
  // A wide frame has room for more words on a line than a tall one.
  assert.ok(captionLook('boxed', { width: 1920, height: 1080 }).lineChars > captionLook('boxed', { width: 1080, height: 1920 }).lineChars);
});
