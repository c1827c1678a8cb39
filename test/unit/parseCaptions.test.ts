import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptionParseError, captionWords, parseCues } from '../../src/captions/parseCaptions.ts';

test('SRT cues become words spread over each cue', () => {
  const srt = '1\r\n00:00:01,000 --> 00:00:03,000\r\nHello there, world.\r\n\r\n2\r\n00:01:02,500 --> 00:01:04,000\r\n<i>Second</i> cue\r\n';
  const words = captionWords(srt);
  assert.deepEqual(
    words.map((w) => w.w),
    ['Hello', 'there,', 'world.', 'Second', 'cue'],
  );
  assert.equal(words[0]!.start, 1);
  assert.equal(words[2]!.end, 3);
  assert.equal(words[3]!.start, 62.5);
});

test("YouTube's rolling VTT with inline word times gives each word once, at its own time", () => {
  const vtt = `WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.350 align:start position:0%
 
hello<00:00:00.480><c> everyone</c><00:00:00.960><c> and</c>

00:00:02.350 --> 00:00:02.360 align:start position:0%
hello everyone and
 

00:00:02.360 --> 00:00:05.000 align:start position:0%
hello everyone and
welcome<00:00:02.800><c> to</c><00:00:03.100><c> the</c><00:00:03.500><c> show</c>
`;
  const words = captionWords(vtt);
  assert.deepEqual(
    words.map((w) => w.w),
    ['hello', 'everyone', 'and', 'welcome', 'to', 'the', 'show'],
  );
  assert.deepEqual(
    words.map((w) => w.start),
    [0, 0.48, 0.96, 2.36, 2.8, 3.1, 3.5],
  );
});

test('a file without cues is a clear error', () => {
  assert.throws(() => captionWords('just some text\nwith no timings'), CaptionParseError);
  assert.equal(parseCues('WEBVTT\n\nNOTE nothing here').length, 0);
});
