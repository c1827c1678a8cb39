// What is shown of a source or an error: never a link's password or token, never a control
// character from a page or a caption file (they reach terminals and files).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PageMetadataSchema, pageInfo } from '../../src/adapters/pages/pageMetadata.ts';
import { captionWords } from '../../src/captions/parseCaptions.ts';
import { stripControls } from '../../src/core/controlChars.ts';
import { redactSecrets, redactUrlQuery } from '../../src/core/redact.ts';
import { buildManifest } from '../../src/stages/finalize.ts';

test('user:password and query tokens are taken out of URLs in messages and in the manifest', () => {
  assert.equal(
    redactSecrets('could not download https://bob:hunter2@media.example.com/a.mp4?sig=abc (403)'),
    'could not download https://…@media.example.com/a.mp4?… (403)',
  );
  assert.equal(redactUrlQuery('https://bob:hunter2@media.example.com/a.mp4?sig=abc'), 'https://media.example.com/a.mp4?…');
  assert.equal(redactUrlQuery('HTTPS://media.example.com/a.mp4'), 'HTTPS://media.example.com/a.mp4', 'nothing to hide: kept as given');
  const m = buildManifest({
    jobId: 'j',
    source: { path: 'https://bob:hunter2@media.example.com/a.mp4?sig=abc', duration: 60, width: 1280, height: 720, fps: 30 },
    transcript: { audioSeconds: 60, provider: 'test' },
    scorer: 'first-pass',
    clips: [],
    timings: {},
  } as never);
  assert.doesNotMatch(JSON.stringify(m), /hunter2|sig=abc/);
});

test('escape sequences in a page title and in captions never reach a terminal or a file', () => {
  const evil = 'Talk\u001b]0;owned\u0007\u001b[2J\u009b31m';
  assert.equal(stripControls(evil), 'Talk]0;owned[2J31m');
  const page = pageInfo(PageMetadataSchema.parse({ id: 'v', title: evil, uploader: 'x\u001b[1my' }), 'https://p');
  assert.equal(stripControls(page.title + page.uploader), page.title + page.uploader, 'no control character left');
  const words = captionWords(`WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello \u001b[31mred\u001b[0m world\n`);
  assert.ok(
    !words
      .map((w) => w.w)
      .join(' ')
      .includes('\u001b'),
  );
});
