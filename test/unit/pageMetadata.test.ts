// The rules applied to a page before anything is downloaded, and the caption choice, on metadata
// shaped as yt-dlp reports YouTube videos (their fields and values; no network).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type PageMetadata,
  PageMetadataSchema,
  checkPage,
  chooseCaptions,
  fetchableFormats,
  pageFailure,
  pageInfo,
} from '../../src/adapters/pages/pageMetadata.ts';
import { withoutProxyExceptions } from '../../src/adapters/pages/ytDlpFetcher.ts';

const URL = 'https://www.youtube.com/watch?v=abc123def45';
const video = (over: Record<string, unknown> = {}): PageMetadata =>
  PageMetadataSchema.parse({
    id: 'abc123def45',
    title: 'How We Built It',
    extractor: 'youtube',
    extractor_key: 'Youtube',
    webpage_url: URL,
    uploader: 'Some Channel',
    duration: 1800,
    live_status: 'not_live',
    availability: 'public',
    age_limit: 0,
    language: 'en',
    formats: [{ format_id: '137', vcodec: 'avc1', has_drm: false }],
    ...over,
  });

test('a public video passes; its page info names extractor and id', () => {
  checkPage(video(), URL, 4 * 3600);
  assert.deepEqual(pageInfo(video(), URL), {
    url: URL,
    title: 'How We Built It',
    uploader: 'Some Channel',
    duration: 1800,
    extractor: 'youtube',
    id: 'abc123def45',
  });
});

test('what cannot or should not be fetched is refused in words', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ _type: 'playlist', playlist_count: 12, entries: [] }, /is a playlist of 12 videos, not one video: give the link of one video in it/],
    [{ live_status: 'is_live', is_live: true }, /"How We Built It" is a live stream: clip it once it has ended/],
    [{ live_status: 'is_upcoming' }, /live stream that has not started yet/],
    [{ availability: 'private' }, /is a private video; clipforge fetches only public videos/],
    [{ availability: 'subscriber_only' }, /only for the channel's members/],
    [{ availability: 'premium_only' }, /only for paying subscribers/],
    [{ availability: 'needs_auth' }, /can only be watched signed in/],
    [{ age_limit: 18 }, /is age-restricted/],
    [{ formats: [{ has_drm: true }, { has_drm: true }] }, /is DRM-protected/],
    [{ duration: 5 * 3600 }, /is 5h00m long, over the 4h00m cap \(raise it with options\.maxDurationSec\)/],
  ];
  for (const [over, message] of cases) assert.throws(() => checkPage(video(over), URL, 4 * 3600), { name: 'InputError', message }, JSON.stringify(over));
});

test("captions: a person's track in the spoken language first, then the automatic original, never a machine translation", () => {
  const auto = { en: [{ ext: 'vtt' }], 'en-orig': [{ ext: 'vtt' }], de: [{ ext: 'vtt' }], fr: [{ ext: 'vtt' }] };
  assert.deepEqual(chooseCaptions(video({ subtitles: { 'en-GB': [{ ext: 'vtt' }], es: [{ ext: 'vtt' }] }, automatic_captions: auto })), {
    lang: 'en-GB',
    automatic: false,
  });
  assert.deepEqual(chooseCaptions(video({ subtitles: { live_chat: [{ ext: 'json' }] }, automatic_captions: auto })), { lang: 'en-orig', automatic: true });
  // Spoken German, only English captions by a person: the automatic German ones are the speech.
  assert.deepEqual(chooseCaptions(video({ language: 'de', subtitles: { en: [{}] }, automatic_captions: { 'de-orig': [{}], en: [{}] } })), {
    lang: 'de-orig',
    automatic: true,
  });
  // Spoken Japanese, automatic tracks only in other languages (translations): none.
  assert.equal(chooseCaptions(video({ language: 'ja', automatic_captions: { en: [{}], fr: [{}] } })), undefined);
  // A page that does not say its language: its one track (the generic extractor's <track>).
  assert.deepEqual(chooseCaptions(video({ language: null, subtitles: { en: [{ ext: 'vtt' }] } })), { lang: 'en', automatic: false });
});

test("yt-dlp's errors in words a user can act on", () => {
  const said = (line: string) => pageFailure(`[youtube] abc: Downloading webpage\nERROR: ${line}\n`, URL);
  assert.match(said("[youtube] abc123def45: Private video. Sign in if you've been granted access to this video")!, /private/);
  assert.match(said('[youtube] abc: Join this channel to get access to members-only content like this video')!, /channel's members/);
  assert.match(said('[youtube] abc: The uploader has not made this video available in your country')!, /geo-blocked/);
  assert.match(said('[youtube] abc: Sign in to confirm your age. This video may be inappropriate for some users.')!, /age-restricted/);
  assert.match(said("[youtube] abc: Sign in to confirm you're not a bot")!, /upload the file/);
  assert.match(said('[youtube] abc: Video unavailable. This video has been removed by the uploader')!, /unavailable/);
  assert.match(said('Unsupported URL: https://example.com/about')!, /no video was found on/);
  assert.equal(pageFailure('ERROR: something new\n', URL), undefined);
});

test('only formats fetched through the guard are kept: rtmp, rtsp and the like are dropped, and a page with nothing else is refused', () => {
  const base = { id: 'v', title: 't' };
  const mixed = PageMetadataSchema.parse({
    ...base,
    formats: [
      { format_id: 'r', protocol: 'rtmp', url: 'rtmp://example.com/live' },
      { format_id: 'h', protocol: 'm3u8_native', url: 'https://example.com/a.m3u8' },
      { format_id: 'd', protocol: 'http_dash_segments', url: 'https://example.com/a.mpd' },
    ],
  });
  assert.deepEqual(
    fetchableFormats(mixed, 'https://p').formats?.map((f) => f.format_id),
    ['h', 'd'],
  );
  const rtmpOnly = PageMetadataSchema.parse({
    ...base,
    formats: [
      { format_id: 'r', protocol: 'rtmp' },
      { format_id: 's', protocol: 'rtsp' },
    ],
  });
  assert.throws(() => fetchableFormats(rtmpOnly, 'https://p'), { name: 'InputError', message: /only over rtmp, rtsp, which clipforge does not fetch/ });
  assert.throws(() => fetchableFormats(PageMetadataSchema.parse({ ...base, protocol: 'mms' }), 'https://p'), /only over mms/);
  assert.equal(fetchableFormats(PageMetadataSchema.parse({ ...base, protocol: 'https' }), 'https://p').id, 'v');
});

test("yt-dlp runs with no proxy exceptions from the server's environment", () => {
  const env = withoutProxyExceptions({ PATH: '/bin', no_proxy: '169.254.169.254', NO_PROXY: 'metadata', HTTPS_PROXY: 'x' });
  assert.deepEqual(env, { PATH: '/bin', HTTPS_PROXY: 'x' });
});
