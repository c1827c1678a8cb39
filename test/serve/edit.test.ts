// Editing on `clipforge serve`, through the HTTP API and the WebSocket: a finished job's
// transcript, a word corrected and the caption style changed, bounds moved by a sentence, a clip
// made by hand, the same clip edited twice at once, a re-render that fails (the clip stays as it
// was), bad edits in API words, and every clip as one streamed ZIP.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CentreTracker } from '../../src/adapters/face/centreTracker.ts';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { JobDetailSchema, RenderStateSchema, TranscriptViewSchema } from '../../src/api/schemas.ts';
import { ManifestSchema } from '../../src/core/schemas.ts';
import type { RenderSpec } from '../../src/core/ports.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import { probe, shortTalk } from '../helpers/media.ts';
import { call, follow } from '../helpers/serveClient.ts';
import { zipListing } from '../helpers/zipListing.ts';

/** The real encoder, told to fail its next renders (an encoder crash, after writing part of a file). */
class FailingEncoder extends FfmpegEncoder {
  failures = 0;
  override async render(spec: RenderSpec, out: string, onProgress?: (f: number) => void): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      await writeFile(out, 'half a file');
      throw new Error('the encoder crashed (a test failure)');
    }
    return super.render(spec, out, onProgress);
  }
}

const quiet = { info: () => undefined, warn: () => undefined };
const encoder = new FailingEncoder();
let srv: RunningServer;
let jobId: string;
let out: string;
let data: string;

async function detail(id = jobId) {
  return JobDetailSchema.parse((await call(srv.url, 'GET', `/jobs/${id}`)).json);
}

/** Subscribes, starts a re-render (expecting 202), and waits for its end over the WebSocket. */
async function rendered(start: () => Promise<{ status: number; json: any }>) {
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, jobId, '-');
  try {
    const r = await start();
    assert.equal(r.status, 202, JSON.stringify(r.json));
    const ticket = RenderStateSchema.parse(r.json);
    const until = Date.now() + 120_000;
    for (;;) {
      const mine = ws.messages.filter((m) => m.type === 'edit' && (m as { renderId?: string }).renderId === ticket.renderId);
      const last = mine.at(-1) as { status?: string } | undefined;
      if (last && last.status !== 'running') {
        return { ticket, msgs: mine as unknown as Array<{ status: string; pct: number; error: string | null; message: string }>, all: ws.messages };
      }
      if (Date.now() > until) throw new Error('the re-render did not end within 2 minutes');
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    ws.close();
  }
}

const serve = (keepDays?: number) =>
  startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: data,
    concurrency: 2,
    backlog: 4,
    maxUploadBytes: 50 * 1024 * 1024,
    log: quiet,
    jobPorts: { tracker: new CentreTracker('test: centre crop'), encoder },
    ...(keepDays !== undefined ? { keepDays } : {}),
  });

before(async () => {
  data = await mkdtemp(join(tmpdir(), 'serve-edit-'));
  srv = await serve();
  const talk = await shortTalk();
  const made = await call(srv.url, 'POST', '/jobs', { source: { path: talk }, options: { clips: 2, minSec: 8, maxSec: 25 } });
  assert.equal(made.status, 202);
  jobId = made.json.jobId;
  // Not done yet: nothing to edit.
  const early = await call(srv.url, 'PATCH', `/jobs/${jobId}/clips/1`, { captionStyle: 'boxed' });
  assert.equal(early.status, 409);
  assert.match(early.json.error, /is (queued|running): its clips can be edited once it is done/);
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, jobId);
  assert.equal((await ws.final).type, 'done');
  ws.close();
  out = srv.queue.outDir(jobId);
});
after(() => srv?.close());

test('the transcript lists every word with its index and where each clip lies in it', async () => {
  const t = TranscriptViewSchema.parse((await call(srv.url, 'GET', `/jobs/${jobId}/transcript`)).json);
  assert.ok(t.words.length > 100);
  assert.deepEqual(
    t.words.map((w) => w.i),
    t.words.map((_, i) => i),
  );
  const job = await detail();
  assert.equal(t.clips.length, job.clips.length);
  for (const c of t.clips) {
    assert.ok(c.first >= 0 && c.last > c.first);
    assert.ok(t.words[c.first]!.end > c.start && t.words[c.last]!.start < c.end, `clip ${c.rank}'s words lie in its bounds`);
  }
});

test('a corrected word and the boxed style: version 2 replaces the clip once made; a second edit meanwhile is refused', async () => {
  const t = TranscriptViewSchema.parse((await call(srv.url, 'GET', `/jobs/${jobId}/transcript`)).json);
  const clip = t.clips.find((c) => c.rank === 1)!;
  const target = t.words.slice(clip.first, clip.last + 1).find((w) => /^[a-z]{5,}$/i.test(w.w))!;
  const before1 = (await detail()).clips.find((c) => c.rank === 1)!;
  let refused: { status: number; json: any } | undefined;
  let meanwhile = '';
  const { ticket, msgs, all } = await rendered(async () => {
    const r = await call(srv.url, 'PATCH', `/jobs/${jobId}/clips/1`, {
      corrections: [{ from: target.i, to: target.i, text: 'Zanzibar' }],
      captionStyle: 'boxed',
    });
    refused = await call(srv.url, 'PATCH', `/jobs/${jobId}/clips/1`, { hookTitle: true });
    // Until it is made, the clip is the old one.
    meanwhile = (await detail()).clips.find((c) => c.rank === 1)!.file;
    return r;
  });
  assert.equal(ticket.version, 2);
  assert.equal(refused?.status, 409);
  assert.match(refused?.json.error, /clip 1 is being re-rendered/);
  assert.equal(meanwhile, before1.file);
  assert.equal(msgs.at(-1)!.status, 'done', msgs.at(-1)!.error ?? '');
  assert.ok(msgs.filter((m) => m.status === 'running').length >= 3, 'progress while it renders');
  assert.ok(
    all.some((m) => m.type === 'done'),
    'the job is pushed again with its new manifest',
  );

  const after1 = (await detail()).clips.find((c) => c.rank === 1)!;
  assert.equal(after1.version, 2);
  assert.equal(after1.file, 'clip-1.v2.mp4');
  assert.equal(after1.look?.captionStyle, 'boxed');
  assert.deepEqual(after1.edits?.at(-1)?.changed, ['captions', 'captionStyle']);
  assert.equal(after1.start, before1.start);
  assert.match(after1.text, /Zanzibar/);
  const srt = await fetch(after1.urls.srt).then((x) => x.text());
  assert.match(srt, /Zanzibar/);
  assert.doesNotMatch(srt, new RegExp(`\\b${target.w}\\b`));
  assert.equal((await fetch(after1.urls.video)).status, 200);
  assert.equal((await fetch(before1.urls.video)).status, 404, 'the old version is gone from the job');
  const names = await readdir(out);
  assert.ok(!names.includes('clip-1.mp4') && names.includes('clip-1.v2.mp4'));
  // The correction is kept: a later edit of the clip still shows it.
  const t2 = TranscriptViewSchema.parse((await call(srv.url, 'GET', `/jobs/${jobId}/transcript`)).json);
  assert.deepEqual(t2.clips.find((c) => c.rank === 1)!.corrections, [{ from: target.i, to: target.i, text: 'Zanzibar' }]);
});

test('bounds widened by a sentence: the clip grows to the sentence edge and its text follows', async () => {
  const t = TranscriptViewSchema.parse((await call(srv.url, 'GET', `/jobs/${jobId}/transcript`)).json);
  const c2 = t.clips.find((c) => c.rank === 2)!;
  const next = t.words[c2.last + 2];
  assert.ok(next, 'words after clip 2');
  const { msgs } = await rendered(() => call(srv.url, 'PATCH', `/jobs/${jobId}/clips/2`, { end: next.end, snap: 'sentence' }));
  assert.equal(msgs.at(-1)!.status, 'done', msgs.at(-1)!.error ?? '');
  const clip = (await detail()).clips.find((c) => c.rank === 2)!;
  assert.ok(clip.end > c2.end + 0.5, `the end moved (${c2.end} → ${clip.end})`);
  const lastWord = t.words.filter((w) => w.start < clip.end).at(-1)!;
  assert.match(lastWord.w, /[.!?]$/, 'it ends on a sentence end');
  assert.ok(clip.text.endsWith(lastWord.w));
  const p = await probe(join(out, clip.file));
  assert.ok(Math.abs(p.duration - (clip.end - clip.start)) < 0.3, `duration ${p.duration} for ${clip.end - clip.start}`);
});

test('a clip made by hand from a stretch of the source is ranked after the others, scored and titled', async () => {
  const { msgs } = await rendered(() => call(srv.url, 'POST', `/jobs/${jobId}/clips`, { start: 1, end: 9 }));
  assert.equal(msgs.at(-1)!.status, 'done', msgs.at(-1)!.error ?? '');
  const job = await detail();
  const made = job.clips.at(-1)!;
  assert.equal(made.rank, Math.max(...job.clips.map((c) => c.rank)));
  assert.equal(made.byHand, true);
  assert.ok(made.score > 0 && made.title.length > 3, JSON.stringify(made));
  assert.match(made.reason, /^Made by hand/);
  assert.ok(made.start <= 1 && made.end >= 9 - 0.01);
});

test('edits of two clips at once both land: neither manifest write loses the other', async () => {
  const before = await detail();
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, jobId, '-');
  try {
    const [a, b] = await Promise.all([
      call(srv.url, 'PATCH', `/jobs/${jobId}/clips/1`, { title: 'The first, retitled' }),
      call(srv.url, 'PATCH', `/jobs/${jobId}/clips/2`, { title: 'The second, retitled' }),
    ]);
    assert.deepEqual([a.status, b.status], [202, 202], JSON.stringify([a.json, b.json]));
    const ids = [a.json.renderId, b.json.renderId];
    const until = Date.now() + 180_000;
    const ended = () =>
      ids.every((id) =>
        ws.messages.some(
          (m) => m.type === 'edit' && (m as { renderId?: string; status?: string }).renderId === id && (m as { status?: string }).status !== 'running',
        ),
      );
    while (!ended()) {
      assert.ok(Date.now() < until, 'both re-renders end');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    ws.close();
  }
  const after2 = await detail();
  for (const [n, title] of [
    [1, 'The first, retitled'],
    [2, 'The second, retitled'],
  ] as const) {
    const now = after2.clips.find((c) => c.rank === n)!;
    assert.equal(now.title, title);
    assert.equal(now.version, (before.clips.find((c) => c.rank === n)!.version ?? 1) + 1, `clip ${n} has its new version`);
  }
  const onDisk = ManifestSchema.parse(JSON.parse(await readFile(join(out, 'clips.json'), 'utf8')));
  assert.deepEqual(
    onDisk.clips.map((c) => [c.rank, c.title]),
    after2.clips.map((c) => [c.rank, c.title]),
    'the folder and the store agree',
  );
});

test('a re-render that fails leaves the clip as it was and says why', async () => {
  const before2 = (await detail()).clips.find((c) => c.rank === 2)!;
  encoder.failures = 1;
  const { msgs, ticket } = await rendered(() => call(srv.url, 'PATCH', `/jobs/${jobId}/clips/2`, { captionStyle: 'minimal' }));
  const last = msgs.at(-1)!;
  assert.equal(last.status, 'failed');
  assert.match(last.error ?? '', /encoder crashed/);
  assert.match(last.message, /the clip is as it was/);
  const after2 = (await detail()).clips.find((c) => c.rank === 2)!;
  assert.deepEqual(after2, before2);
  assert.equal((await fetch(after2.urls.video)).status, 200);
  const left = (await readdir(out)).filter((n) => n.startsWith(`clip-2.v${(before2.version ?? 1) + 1}`));
  assert.deepEqual(left, [], 'no file of the failed version is left');
  assert.equal((await detail()).edits?.find((e) => e.renderId === ticket.renderId)?.status, 'failed');
});

test('bad edits are refused in the API words, before anything renders', async () => {
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['PATCH', '/clips/99', { captionStyle: 'boxed' }, 404, /has no clip 99 \(its clips: 1, 2, 3\)/],
    ['PATCH', '/clips/abc', { captionStyle: 'boxed' }, 400, /clip number must be a whole number/],
    ['PATCH', '/clips/1', { start: 40, end: 30 }, 400, /start \(40\.00 s\) must be before end \(30\.00 s\)/],
    ['PATCH', '/clips/1', { end: 5000 }, 400, /past the end of the source/],
    ['PATCH', '/clips/1', { corrections: [{ from: 0, to: 0, text: 'x' }] }, 400, /outside clip 1/],
    ['PATCH', '/clips/1', { corrections: [{ from: 5, to: 2, text: 'x' }] }, 400, /from <= to/],
    ['PATCH', '/clips/1', {}, 400, /changes nothing in clip 1/],
    ['PATCH', '/clips/1', { captionStyle: 'comic' }, 400, /captionStyle/],
    ['PATCH', '/clips/1', { start: 10, end: 11 }, 400, /3 s to 3 min long/],
    ['PATCH', '/clips/1', { framing: { swap: true } }, 400, /not split in two/],
    ['PATCH', '/clips/1', { colour: 'red' }, 400, /colour/],
    ['POST', '/clips', { start: 0 }, 400, /end/],
  ];
  for (const [method, path, body, status, message] of cases) {
    const r = await call(srv.url, method, `/jobs/${jobId}${path}`, body);
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
    assert.match(r.json.error, message);
    assert.doesNotMatch(r.json.error, /\/tmp\/|serve-edit-/, 'no server path in the error');
  }
  assert.equal((await call(srv.url, 'GET', '/jobs/nope/transcript')).status, 404);
});

test('every clip, its captions and thumbnail and the manifest download as one ZIP', async () => {
  const job = await detail();
  assert.ok(job.downloads?.zip);
  const res = await fetch(job.downloads.zip);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const zipPath = join(await mkdtemp(join(tmpdir(), 'zip-')), 'clips.zip');
  await writeFile(zipPath, Buffer.from(await res.arrayBuffer()));
  const listed = Object.fromEntries(Object.entries(zipListing(zipPath)).map(([name, e]) => [name, e.size]));
  const expected = [...job.clips.flatMap((c) => [c.file, c.srt, c.vtt, c.thumbnail]), 'clips.json', 'report.html'].sort();
  assert.deepEqual(Object.keys(listed).sort(), expected);
  for (const c of job.clips) {
    const bytes = (await fetch(c.urls.video).then((x) => x.arrayBuffer())).byteLength;
    assert.equal(listed[c.file], bytes, `${c.file} whole`);
  }
});

test('a job is kept until deleted or past --keep-days, and goes whole: record, clips, transcript, uploads', async () => {
  // An uploaded job, to see its upload go with it.
  const talk = await shortTalk();
  const ticket = await call(srv.url, 'POST', '/uploads', { filename: 'talk.mp4', size: (await stat(talk)).size, contentType: 'video/mp4' });
  assert.equal((await fetch(ticket.json.uploadUrl, { method: 'PUT', body: await readFile(talk) })).status, 200);
  const made = await call(srv.url, 'POST', '/jobs', { source: { uploadId: ticket.json.uploadId }, options: { clips: 1, minSec: 8, maxSec: 20 } });
  const ws = await follow(`${srv.url.replace('http', 'ws')}/ws`, made.json.jobId);
  assert.equal((await ws.final).type, 'done');
  ws.close();
  const uploaded = join(data, 'uploads', ticket.json.uploadId);
  assert.ok(existsSync(uploaded) && existsSync(join(srv.queue.outDir(made.json.jobId), 'transcript.json')));

  // Deleting the edited job: refused while one of its clips renders, then everything goes.
  const rendering = await call(srv.url, 'PATCH', `/jobs/${jobId}/clips/1`, { hookTitle: true });
  assert.equal(rendering.status, 202);
  const refused = await call(srv.url, 'DELETE', `/jobs/${jobId}`);
  assert.equal(refused.status, 409);
  assert.match(refused.json.error, /being re-rendered/);
  while ((await detail()).edits?.some((e) => e.status === 'running')) await new Promise((r) => setTimeout(r, 200));
  const deleted = await call(srv.url, 'DELETE', `/jobs/${jobId}`);
  assert.equal(deleted.status, 200);
  assert.equal((await call(srv.url, 'GET', `/jobs/${jobId}`)).status, 404);
  assert.ok(!existsSync(out), 'its folder (clips, transcript, job.json) is gone');
  assert.ok(existsSync(talk), "a file the job was pointed at is the user's: it stays");

  // Past the age limit: the next start removes the uploaded job, its upload with it.
  await srv.close();
  srv = await serve(1e-9);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await call(srv.url, 'GET', `/jobs/${made.json.jobId}`)).status, 404);
  assert.ok(!existsSync(uploaded), 'the upload is gone');
  assert.ok(!existsSync(srv.queue.outDir(made.json.jobId)));
});
