// Words in scripts written without spaces: segmented, joined back without spaces, paced by characters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captionWords } from '../../src/captions/parseCaptions.ts';
import { joinWords, splitWords, wordWeight } from '../../src/captions/scripts.ts';
import { candidateWindows } from '../../src/scoring/windows.ts';
import { firstPass } from '../../src/scoring/firstPass.ts';
import { titleFrom } from '../../src/scoring/titles.ts';

test('Chinese and Japanese are split into words, punctuation kept with the word before; spaced scripts as before', () => {
  assert.deepEqual(splitWords('我们花了两年时间。'), ['我们', '花了', '两', '年', '时间。']);
  assert.ok(splitWords('最初のアイデアは間違っています').length >= 5);
  assert.deepEqual(splitWords('Hello, мир and दुनिया'), ['Hello,', 'мир', 'and', 'दुनिया']);
  assert.equal(joinWords(['我们', '花了', 'two', 'years', '时间']), '我们花了 two years 时间');
  assert.equal(wordWeight('时间'), 1);
  assert.equal(wordWeight('word'), 1);
});

test('a Chinese caption file gives words and clips (it used to give one "word" per cue and no clip)', () => {
  const sentences = [
    '这是一个关于创业的秘密，没有人告诉你。',
    '你的第一个想法会是错的，这没关系。',
    '我们花了两年时间做了一个没人想要的产品。',
    '两年，差不多一百万美元。',
  ];
  const cues = Array.from({ length: 24 }, (_, i) => {
    const t = (s: number) => new Date(s * 1000).toISOString().slice(11, 23).replace('.', ',');
    return `${i + 1}\n${t(i * 3)} --> ${t(i * 3 + 2.8)}\n${sentences[i % 4]}\n`;
  }).join('\n');
  const words = captionWords(cues);
  assert.ok(words.length > 24 * 6, `${words.length} words from 24 cues`);
  const scored = firstPass(words, candidateWindows(words, { minSec: 10, maxSec: 30, mediaDuration: 72 }));
  assert.ok(scored.length > 0, 'windows pass the pace rule');
  assert.doesNotMatch(scored[0]!.text, / /, 'clip text is written without spaces');
  assert.ok(titleFrom(words.slice(0, 20)).length > 4, 'a title in Chinese');
});
