// The Edit view in Debian's chromium: open a finished job, correct a word, widen the clip by a
// sentence, switch to boxed captions, render, reload the page mid-render and see the progress go
// on; then read the new clip's frames with OCR (tesseract) and find the corrected word burned
// in, and check its length and its SRT.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CentreTracker } from '../../src/adapters/face/centreTracker.ts';
import { JobDetailSchema } from '../../src/api/schemas.ts';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import { ffmpeg, probe, shortTalk } from '../helpers/media.ts';
import { call, follow } from '../helpers/serveClient.ts';

const CHROMIUM = process.env.CLIPFORGE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, '.artifacts');
const FIX = 'ZANZIBAR';
let srv: RunningServer;
let browser: Browser;
let jobId: string;

before(async () => {
  if (!existsSync(CHROMIUM)) return;
  srv = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: await mkdtemp(join(tmpdir(), 'serve-edit-view-')),
    concurrency: 1,
    backlog: 5,
    maxUploadBytes: 100 * 1024 * 1024,
    log: { info: () => undefined, warn: () => undefined },
    jobPorts: { tracker: new CentreTracker('test: centre crop') },
  });
  const made = await call(srv.url, 'POST', '/jobs', { source: { path: await shortTalk() }, options: { clips: 2, minSec: 8, maxSec: 20 } });
  jobId = made.json.jobId;
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, jobId);
  assert.equal((await ws.final).type, 'done');
  ws.close();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

/** Text tesseract reads in the lower half of a frame of `video` at `at` seconds. */
async function ocr(video: string, at: number): Promise<string> {
  const png = join(await mkdtemp(join(tmpdir(), 'ocr-')), 'frame.png');
  await ffmpeg(['-ss', String(at), '-i', video, '-frames:v', '1', '-vf', 'crop=iw:ih*0.5:0:ih*0.45,format=gray', png]);
  return execFileSync('tesseract', [png, '-', '--psm', '6'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

test('edit a clip on the page: a word corrected, a sentence more, boxed captions, rendered and burned in', async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(`no chromium at ${CHROMIUM} (bash scripts/setup.sh --tests installs it)`);
  const before1 = JobDetailSchema.parse((await call(srv.url, 'GET', `/jobs/${jobId}`)).json).clips.find((c) => c.rank === 1)!;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.url);
  const card = page.locator('.clip[data-rank="1"]');
  await card.locator('.edit').click();
  const editor = page.locator('.editor[data-rank="1"]');
  await editor.locator('.word.in').first().waitFor();

  // A word of the clip, by keyboard: focus it, Enter opens the correction, Enter applies it.
  const words = await editor.locator('.word.in').allTextContents();
  const index = words.findIndex((w) => /^[a-z]{5,}$/.test(w));
  assert.ok(index >= 0, `a plain word among ${words.join(' ')}`);
  const original = words[index]!;
  await editor.locator('.word.in').nth(index).focus();
  await page.keyboard.press('Enter');
  await editor.locator('.fix-text').fill(FIX);
  await editor.locator('.fix-text').press('Enter');
  assert.equal(await editor.locator('.word.fixed').textContent(), FIX);
  const before = await editor.locator('.word.in').count();
  await editor.getByRole('button', { name: 'End a sentence later ▶' }).click();
  assert.ok((await editor.locator('.word.in').count()) > before, 'the range takes in the next sentence');
  await editor.locator('.e-style').selectOption('boxed');
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'edit-view.png'), fullPage: true });
  await editor.locator('.render').click();

  // Reload while it renders: the progress is still shown, and goes on.
  const row = page.locator('.render-row');
  await page.waitForFunction(() => {
    const p = document.querySelector('.render-row.running progress') as HTMLProgressElement | null;
    return !!p && p.value > 0;
  });
  await page.reload();
  await page.locator('.render-row').first().waitFor();
  const seen: number[] = [];
  for (;;) {
    const cls = (await row.first().getAttribute('class')) ?? '';
    seen.push(
      Number(
        await row
          .first()
          .locator('progress')
          .evaluate((p) => (p as HTMLProgressElement).value),
      ),
    );
    if (!cls.includes('running')) {
      assert.match(cls, /done/, await row.first().textContent().then(String));
      break;
    }
    await page.waitForTimeout(200);
  }
  assert.ok(seen.length > 1 && seen.at(-1)! > seen[0]!, `progress went on after the reload (${seen.join(', ')})`);
  await page.waitForFunction(() => (document.querySelector('.clip[data-rank="1"] video') as HTMLVideoElement | null)?.src.includes('clip-1.v2.mp4'));
  assert.match((await card.locator('.rank').textContent()) ?? '', /v2/);
  assert.deepEqual(errors, []);

  const after1 = JobDetailSchema.parse((await call(srv.url, 'GET', `/jobs/${jobId}`)).json).clips.find((c) => c.rank === 1)!;
  assert.equal(after1.look?.captionStyle, 'boxed');
  assert.ok(after1.end > before1.end + 1, `a sentence longer: ${before1.end} → ${after1.end}`);
  const video = join(srv.queue.outDir(jobId), after1.file);
  assert.ok(Math.abs((await probe(video)).duration - (after1.end - after1.start)) < 0.2);
  const srt = await readFile(join(srv.queue.outDir(jobId), after1.srt), 'utf8');
  const cue = srt.split(/\n\n/).find((c) => c.includes(FIX));
  assert.ok(cue, `the SRT carries ${FIX}`);
  assert.doesNotMatch(srt, new RegExp(`\\b${original}\\b`));
  const [a, b] = cue
    .split('\n')[1]!
    .split(' --> ')
    .map((x) => x.split(/[:,]/).map(Number))
    .map(([h, m, s, ms]) => h! * 3600 + m! * 60 + s! + ms! / 1000);
  const read = [await ocr(video, a! + (b! - a!) * 0.3), await ocr(video, a! + (b! - a!) * 0.7)].join('\n');
  assert.match(read.toUpperCase(), new RegExp(FIX), `OCR of the burned captions: ${read}`);
});
