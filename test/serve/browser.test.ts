// The web page in Debian's chromium (playwright-core): drop a generated talk and its captions on the page,
// watch the stages fill, play a finished clip, and save screenshots (laptop and phone) to
// .artifacts/ for a human to look at.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CentreTracker } from '../../src/adapters/face/centreTracker.ts';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import { probe, shortTalk } from '../helpers/media.ts';
import { TALK } from '../../src/samples/talkScript.ts';
import { startPageSite, vttOf } from '../helpers/pageServer.ts';

const CHROMIUM = process.env.CLIPFORGE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, '.artifacts');
let srv: RunningServer;
let browser: Browser;

before(async () => {
  if (!existsSync(CHROMIUM)) return;
  srv = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: await mkdtemp(join(tmpdir(), 'serve-browser-')),
    concurrency: 1,
    backlog: 5,
    maxUploadBytes: 100 * 1024 * 1024,
    log: { info: () => undefined, warn: () => undefined },
    jobPorts: { tracker: new CentreTracker('test: centre crop') },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

test('upload on the page, watch progress, play a finished clip', async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(`no chromium at ${CHROMIUM} (bash scripts/setup.sh --tests installs it)`);
  await mkdir(ARTIFACTS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.url);
  await page.waitForSelector('#drop');
  assert.equal(await page.locator('#empty').isVisible(), true);

  // A real drop event carrying the video and its captions, as when a user drags both from their
  // desktop (the captions replace transcription).
  const bytes = (await readFile(await shortTalk())).toString('base64');
  const at = (x: number) => new Date(x * 1000).toISOString().slice(11, 23).replace('.', ',');
  const srt = Array.from({ length: 30 }, (_, i) => `${i + 1}\n${at(i * 3)} --> ${at(i * 3 + 2.5)}\nDropped caption ${i} tells you something new.\n`).join('\n');
  const dataTransfer = await page.evaluateHandle(
    ({ b64, srt }) => {
      const bin = atob(b64);
      const buf = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([buf], 'dropped-talk.mp4', { type: 'video/mp4' }));
      dt.items.add(new File([srt], 'dropped-talk.srt', { type: '' }));
      return dt;
    },
    { b64: bytes, srt },
  );
  await page.dispatchEvent('#drop', 'dragenter', { dataTransfer });
  assert.equal(await page.locator('#drop.over').count(), 1, 'the drop zone lights up');
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });
  await page.waitForFunction(
    () => document.querySelector('#upload-bar')?.getAttribute('value') !== '0' || (document.querySelector('#upload-bar') as HTMLProgressElement).value > 0,
  );
  await page.waitForSelector('.job', { timeout: 60_000 });
  await page.waitForFunction(() => (document.querySelector('#upload-bar') as HTMLProgressElement).value === 100);
  // Live progress: a stage bar moves before the job is done.
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLProgressElement>('.stages progress')].some((p) => p.value > 0), undefined, {
    timeout: 120_000,
  });
  await page.screenshot({ path: join(ARTIFACTS, 'web-running.png'), fullPage: true });
  await page.waitForSelector('.job .badge.done', { timeout: 600_000 });
  await page.waitForSelector('.clip video');
  const bars = await page.$$eval('.job .stages progress', (ps) => ps.map((p) => (p as HTMLProgressElement).value));
  assert.deepEqual(bars, [100, 100, 100, 100, 100, 100], 'every stage reached 100%');
  assert.equal(await page.textContent('.job-name'), 'dropped-talk.mp4');
  const jobId = await page.getAttribute('.job', 'data-job-id');
  const detail = await (await fetch(`${srv.url}/jobs/${jobId}`)).json();
  assert.equal(detail.manifest.usage.transcriber, 'captions', 'the dropped captions were used');
  assert.match((await page.textContent('.clip-text')) ?? '', /Dropped caption/);
  assert.match((await page.textContent('.clip-title')) ?? '', /\S/);
  assert.match((await page.textContent('.score')) ?? '', /score \d+/);
  const clips = await page.locator('.clip').count();
  assert.ok(clips >= 1);
  assert.equal(await page.locator('.downloads a').count(), 4 * clips, 'MP4, SRT, VTT and JPG for each clip');

  const played = await page.$eval('.clip video', async (el) => {
    const v = el as HTMLVideoElement;
    v.muted = true;
    await v.play();
    await new Promise((r) => setTimeout(r, 2000));
    return { t: v.currentTime, w: v.videoWidth, h: v.videoHeight, error: v.error?.message ?? null };
  });
  assert.equal(played.error, null);
  assert.ok(played.t > 0.5, `the clip played to ${played.t} s`);
  assert.deepEqual([played.w, played.h], [1080, 1920]);
  await page.screenshot({ path: join(ARTIFACTS, 'web-laptop.png'), fullPage: true });

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  await phone.goto(srv.url);
  await phone.waitForSelector('.clip video');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
  await phone.screenshot({ path: join(ARTIFACTS, 'web-phone.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no script errors on the page');
});

test('paste a page link on the page: the server fetches the video and uses its captions', async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(`no chromium at ${CHROMIUM} (bash scripts/setup.sh --tests installs it)`);
  const talk = await shortTalk();
  const sentences = TALK.slice(0, 4).flatMap((s) => s.sentences.map((x) => `${x} Pasted.`));
  const site = await startPageSite({ video: talk, vtt: vttOf(sentences, (await probe(talk)).duration) });
  // Home-lab settings: this server may fetch from loopback (the site); a default serve refuses it.
  const lab = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: await mkdtemp(join(tmpdir(), 'serve-browser-link-')),
    concurrency: 1,
    backlog: 5,
    maxUploadBytes: 100 * 1024 * 1024,
    log: { info: () => undefined, warn: () => undefined },
    jobPorts: { tracker: new CentreTracker('test: centre crop') },
    allowPrivateUrls: true,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(lab.url);
    await page.fill('#link-url', 'not a link');
    await page.click('#link button');
    await page.waitForSelector('#notice:not([hidden])');
    assert.match((await page.textContent('#notice')) ?? '', /starts with http/);
    await page.fill('#link-url', `${site.base}/talk.html`);
    await page.selectOption('#aspect', '1:1');
    await page.selectOption('#caption-style', 'karaoke');
    await page.click('#link button');
    await page.waitForSelector('.job', { timeout: 30_000 });
    assert.equal(await page.inputValue('#link-url'), '', 'the field is cleared once the job is made');
    await page.waitForSelector('.job .badge.done', { timeout: 600_000 });
    const jobId = await page.getAttribute('.job', 'data-job-id');
    const detail = await (await fetch(`${lab.url}/jobs/${jobId}`)).json();
    assert.equal(detail.manifest.usage.transcriber, 'captions');
    assert.equal(detail.manifest.source.page.title, 'Why Your First Idea Is Wrong');
    assert.deepEqual([detail.manifest.output.aspect, detail.manifest.output.captionStyle], ['1:1', 'karaoke'], "the page's choices reached the job");
    await page.waitForSelector('.clip video');
    const size = await page.$eval('.clip video', async (el) => {
      const v = el as HTMLVideoElement;
      if (!v.videoWidth) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
      return [v.videoWidth, v.videoHeight];
    });
    assert.deepEqual(size, [1080, 1080], 'a square clip');
    assert.match((await page.textContent('.clip-text')) ?? '', /Pasted\./, 'the words of the page track');
    assert.ok(site.hits.includes('/talk.vtt'));
  } finally {
    await lab.close();
    await site.close();
  }
});
