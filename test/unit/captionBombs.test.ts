// Caption files built to cost the server: long lines that made the timing regex and the tag
// stripper quadratic (a 200 KB line of digits held the event loop 31 s, 1 MB about 13 minutes),
// and files of more words than the video could hold. Each is refused or read in bounded work;
// the test timeouts are hang guards (orders of magnitude over the time a linear parse takes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPTION_WORDS_PER_SEC, CaptionParseError, MIN_CAPTION_BYTES, captionWords } from '../../src/captions/parseCaptions.ts';

const cue = (i: number, text: string) => `${i}\n00:00:${String(i % 60).padStart(2, '0')},000 --> 00:00:${String(i % 60).padStart(2, '0')},900\n${text}\n`;

test('a megabyte line of digits, of "<" or of "{\\\\" is read in linear time', { timeout: 10_000 }, () => {
  for (const line of ['1'.repeat(1024 * 1024), '<'.repeat(1024 * 1024), '{\\'.repeat(512 * 1024), `00:00:01.000 ${'9'.repeat(1024 * 1024)}`]) {
    const text = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n\n${line}\n\n00:00:03.000 --> 00:00:04.000\n${line}\n`;
    const words = captionWords(text);
    assert.equal(words[0]!.w, 'hello');
  }
});

test('more words than the video could hold are refused as they grow, in words', () => {
  const many = Array.from({ length: 2000 }, (_, i) => cue(i + 1, `one${i} two three four five six seven eight nine ten`)).join('\n');
  assert.throws(
    () => captionWords(many, { mediaSec: 18 }),
    (err: Error) => err instanceof CaptionParseError && new RegExp(`over ${CAPTION_WORDS_PER_SEC} a second`).test(err.message),
  );
  assert.ok(captionWords(many, { mediaSec: 3600 }).length === 20_000, 'the same file for an hour-long video is fine');
});

test("a caption file far larger than the video's captions could be is refused before it is parsed", () => {
  const big = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${'word '.repeat(MIN_CAPTION_BYTES / 4)}\n`;
  assert.throws(() => captionWords(big, { mediaSec: 18 }), /of captions for a 18-second video \(at most 256 KB\)/);
});
