// Page links: a loopback site with HTML5 <video> pages, read by yt-dlp's generic extractor (the
// same code path as YouTube's extractor after extraction: metadata, format choice, captions,
// download, merge). The page's caption track becomes the transcript; bad pages are clear errors.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { YtDlpFetcher, ytDlpCommand } from '../../src/adapters/pages/ytDlpFetcher.ts';
import { TALK } from '../../src/samples/talkScript.ts';
import { probe, runCli, separateStreams, shortTalk } from '../helpers/media.ts';
import { type PageSite, startPageSite, vttOf } from '../helpers/pageServer.ts';

const SENTENCES = TALK.slice(0, 4).flatMap((s) => s.sentences);
let site: PageSite;
let vtt: string;

before(async () => {
  const talk = await shortTalk();
  vtt = vttOf(SENTENCES, (await probe(talk)).duration);
  site = await startPageSite({ video: talk, vtt, streams: await separateStreams(talk) });
});
after(() => site?.close());

const newOut = async () => join(await mkdtemp(join(tmpdir(), 'clipforge-page-out-')), 'clips');
const pageDirs = () => new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('clipforge-page-')));

test('a page link gives clips whose words come from the page caption track, with the page in the manifest', async () => {
  const out = await newOut();
  const res = await runCli(['run', `${site.base}/talk.html`, '--out', out, '--clips', '2', '--min-sec', '10', '--max-sec', '30', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const manifest = JSON.parse(res.stdout);
  assert.equal(manifest.source.page.title, 'Why Your First Idea Is Wrong');
  assert.equal(manifest.source.page.url, `${site.base}/talk.html`);
  assert.equal(manifest.source.page.extractor, 'html5mediaembed');
  assert.equal(manifest.usage.transcriber, 'captions', 'no transcription: the page had captions');
  assert.ok(site.hits.includes('/talk.vtt') && site.hits.includes('/talk.mp4'));
  // Word for word from the track (its casing and punctuation), which speech recognition would not give.
  const trackWords = new Set(vtt.split(/\s+/));
  for (const clip of manifest.clips) {
    const words = String(clip.text).split(/\s+/).filter(Boolean);
    assert.ok(words.length > 5, clip.text);
    for (const w of words) assert.ok(trackWords.has(w), `"${w}" is in the track`);
  }
  assert.match(res.stderr, /downloading video: [\d.]+ of [\d.]+ MB/, 'download progress is shown');
  assert.match(res.stderr, /the page's captions \(en\)/);
});

test('pages that serve video and audio as separate streams (DASH, HLS) give clips with picture and sound', async () => {
  for (const page of ['dash.html', 'hls.html']) {
    const hits = site.hits.length;
    const out = await newOut();
    const res = await runCli(['run', `${site.base}/${page}`, '--out', out, '--clips', '1', '--min-sec', '10', '--max-sec', '30', '--no-captions', '--json']);
    assert.equal(res.code, 0, `${page}: ${res.stderr}`);
    const fetched = site.hits.slice(hits);
    assert.ok(fetched.some((h) => /\.(m4s|ts)$/.test(h)) && fetched.some((h) => /(mpd|m3u8)$/.test(h)), `${page} was read as streams: ${fetched.slice(0, 6)}`);
    const manifest = JSON.parse(res.stdout);
    assert.equal(manifest.clips.length, 1, page);
    // Speech was heard, so the audio stream made it through the merge; the clip has both streams.
    assert.ok(String(manifest.clips[0].text).split(/\s+/).length > 5, `${page}: words heard: ${manifest.clips[0].text}`);
    const clip = await probe(join(out, 'clip-1.mp4'));
    assert.ok(clip.video && clip.audio, `${page}: clip has picture and sound`);
  }
});

test('bad page links are bad input, said in words: no video, a 404, a video over the length cap (refused before downloading)', async () => {
  const cases: Array<[string, RegExp]> = [
    ['/none.html', /no video was found on http:\/\/127\.0\.0\.1:\d+\/none\.html/],
    ['/missing.html', /could not download .*missing\.html: HTTP 404/],
    ['/long.html', /"A Five Hour Stream" is 5h00m long, over the 4h00m cap \(raise it with --max-duration\)/],
  ];
  for (const [path, message] of cases) {
    const out = await newOut();
    const res = await runCli(['run', `${site.base}${path}`, '--out', out]);
    assert.equal(res.code, 2, `${path}: ${res.stderr}`);
    assert.match(res.stderr, /clipforge: bad input: /, path);
    assert.match(res.stderr, message, path);
    assert.ok(!/\n\s+at /.test(res.stderr), 'no stack trace');
    assert.ok(!existsSync(out), 'nothing written');
    // yt-dlp sniffs the JSON-LD's video URL (a first GET it drops); the download itself never starts.
    if (path === '/long.html') assert.doesNotMatch(res.stderr, /downloading/, 'refused before downloading');
  }
});

test('a page that never finishes loading stops with a reason; a cancelled download stops yt-dlp and leaves nothing', async () => {
  const fetcher = new YtDlpFetcher(ytDlpCommand()!, { maxBytes: 1024 ** 3, timeoutMs: 120_000, stallMs: 2000, addresses: 'any' });
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-page-test-'));
  const t0 = Date.now();
  await assert.rejects(fetcher.fetch(`${site.base}/never.html`, join(dir, 'never.mp4'), {}), { name: 'InputError', message: /stopped answering/ });
  assert.ok(Date.now() - t0 < 60_000, 'within the stall window and its retries, not the whole timeout');

  const dirsBefore = pageDirs();
  const cancel = new AbortController();
  const dest = join(dir, 'trickle.mp4');
  let downloading = false;
  const fetching = fetcher.fetch(`${site.base}/trickle.html`, dest, {
    signal: cancel.signal,
    onProgress: (_f, m) => {
      if (m.startsWith('downloading') && !downloading) {
        downloading = true;
        setTimeout(() => cancel.abort(), 300);
      }
    },
  });
  await assert.rejects(fetching, { name: 'InputError', message: /was cancelled/ });
  assert.ok(downloading, 'the download had started');
  assert.equal(existsSync(dest), false, 'no partial video');
  assert.deepEqual(
    [...pageDirs()].filter((d) => !dirsBefore.has(d)),
    [],
    'its scratch folder is gone',
  );
});

test('every fetch yt-dlp makes for a server goes through the address guard: the page, its redirect, its video', async () => {
  // 127.0.0.2 stands for the server's own network: a different address the guard refuses.
  const inner = await startPageSite({ video: await shortTalk(), vtt, host: '127.0.0.2' });
  const outer = await startPageSite({ video: await shortTalk(), vtt, videoBase: inner.base, redirectTo: `${inner.base}/talk.html` });
  try {
    const onlyOuter = (address: string) => address === '127.0.0.1';
    const fetcher = new YtDlpFetcher(ytDlpCommand()!, { maxBytes: 1024 ** 3, timeoutMs: 120_000, stallMs: 5000, addresses: onlyOuter });
    const dir = await mkdtemp(join(tmpdir(), 'clipforge-page-test-'));
    const unreachable = /could not download .*: it cannot be reached from this server/;
    // A page whose <video> lives on the inner address; a page that redirects there; the inner page itself.
    for (const url of [`${outer.base}/talk.html`, `${outer.base}/away.html`, `${inner.base}/talk.html`]) {
      await assert.rejects(fetcher.fetch(url, join(dir, 'v.mp4'), {}), { name: 'InputError', message: unreachable }, url);
    }
    assert.deepEqual(inner.hits, [], 'nothing on the refused address was ever requested');
    assert.ok(outer.hits.includes('/talk.html') && outer.hits.includes('/away.html'), 'the allowed site was read');
  } finally {
    await inner.close();
    await outer.close();
  }
});

test("on a server, yt-dlp's own fetches obey the download cap and the stall rule: HLS fragments adding up past the cap, a page that drips", async () => {
  const onlyHere = (address: string) => address === '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-page-test-'));
  const capped = new YtDlpFetcher(ytDlpCommand()!, { maxBytes: 1024 * 1024, timeoutMs: 120_000, stallMs: 60_000, addresses: onlyHere });
  const before = site.hits.filter((h) => h.endsWith('.ts')).length;
  await assert.rejects(capped.fetch(`${site.base}/hls.html`, join(dir, 'a.mp4'), { captions: false }), {
    name: 'InputError',
    message: /over the 1\.0 MB download cap/,
  });
  const parts = site.hits.filter((h) => h.endsWith('.ts')).length - before;
  assert.ok(parts < 6, `stopped after a few of the fragments (${parts})`);
  const impatient = new YtDlpFetcher(ytDlpCommand()!, { maxBytes: 1024 ** 3, timeoutMs: 120_000, stallMs: 2000, addresses: onlyHere });
  await assert.rejects(impatient.fetch(`${site.base}/drip.html`, join(dir, 'b.mp4'), {}), { name: 'InputError', message: /stalled/ });
});
