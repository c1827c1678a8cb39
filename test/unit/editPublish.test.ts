// Publishing edits of two clips at once: each re-reads the manifest under the manifest lock, so
// neither write loses the other (a control without the lock loses one); and the CLI's lock files.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileEditLocks, MemoryEditLocks } from '../../src/adapters/local/editLocks.ts';
import { JobOptionsSchema, ManifestSchema } from '../../src/core/schemas.ts';
import { type EditLocks, type EditPorts, EditTaskSchema, publishEdit } from '../../src/editing/editClip.ts';
import { jobKeepOf } from '../../src/editing/jobKeep.ts';
import { MemoryStorage } from '../helpers/memoryStorage.ts';
import { freeUsage } from '../helpers/usage.ts';

const crop = { crop: { w: 606, h: 1080 }, path: [{ t: 0, cx: 0.5, cy: 0.5 }], fallback: null, layout: 'follow' as const };
const info = { path: 'talk.mp4', duration: 60, width: 1920, height: 1080, fps: 30 };
const options = JobOptionsSchema.parse({});
const clip = (rank: number) => ({ rank, start: rank * 20, end: rank * 20 + 10, score: 50, title: `Clip ${rank}`, reason: 'r', text: 'words' });
const files = (rank: number, v = 1) => {
  const base = v > 1 ? `clip-${rank}.v${v}` : `clip-${rank}`;
  return { file: `${base}.mp4`, srt: `${base}.srt`, vtt: `${base}.vtt`, thumbnail: `${base}.jpg` };
};

function job(slowReadsMs: number): MemoryStorage {
  const outputs = new MemoryStorage(slowReadsMs);
  const manifest = ManifestSchema.parse({
    jobId: 'j',
    source: { path: 'talk.mp4', duration: 60, width: 1920, height: 1080 },
    clips: [1, 2].map((r) => ({ ...clip(r), duration: 10, ...files(r), crop: { fallback: null } })),
    timings: {},
    usage: freeUsage({ transcriber: 't', scorer: 's' }),
    createdAt: new Date(0).toISOString(),
  });
  outputs.objects.set('clips.json', JSON.stringify(manifest));
  outputs.objects.set('transcript.json', JSON.stringify({ provider: 't', model: 'm', audioSeconds: 60, words: [] }));
  outputs.objects.set(
    'job.json',
    JSON.stringify(
      jobKeepOf({
        jobId: 'j',
        source: { file: '/v.mp4', kept: false, fingerprint: { size: 1, digest: 'd' }, info },
        options,
        crops: [
          [1, crop],
          [2, crop],
        ],
      }),
    ),
  );
  return outputs;
}

const task = (rank: number) =>
  EditTaskSchema.parse({
    jobId: 'j',
    renderId: `r${rank}`,
    rank,
    version: 2,
    changed: ['title'],
    lock: `clip-${rank}`,
    task: { jobId: 'j', sourceFile: '/v.mp4', source: info, transcriptKey: 'j/t.json', clip: { ...clip(rank), title: `New ${rank}`, version: 2 }, options },
    crop,
    look: { aspect: '9:16', layout: 'auto', captionStyle: 'pop', hookTitle: false },
    corrections: [],
    byHand: false,
  });

async function publishBoth(locks: EditLocks): Promise<string[]> {
  const outputs = job(30);
  const ports = { outputs, work: new MemoryStorage(), locks, log: { info: () => undefined, warn: () => undefined } } as unknown as EditPorts;
  await Promise.all([1, 2].map((r) => publishEdit(task(r), { crop, output: files(r, 2) }, ports)));
  return ManifestSchema.parse(JSON.parse(outputs.objects.get('clips.json')!)).clips.map((c) => c.title);
}

test('two clips published at once both land: each re-reads the manifest under its lock', async () => {
  assert.deepEqual(await publishBoth(new MemoryEditLocks().forJob('j')), ['New 1', 'New 2']);
  // The control: without the lock the reads overlap and the later write drops the earlier edit.
  const noLock: EditLocks = { tryHold: async () => true, release: async () => undefined };
  const titles = await publishBoth(noLock);
  assert.ok(titles.includes('Clip 1') || titles.includes('Clip 2'), `one edit is lost without the lock: ${titles.join(', ')}`);
});

test("the CLI's lock files: held by a live process (this one) is refused, a dead owner's is taken over, release frees it", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'edit-locks-'));
  const a = new FileEditLocks(dir);
  const b = new FileEditLocks(dir);
  assert.equal(await a.tryHold('clip-1'), true);
  assert.equal(await b.tryHold('clip-1'), false, 'a second command on the same clip waits its turn');
  assert.equal(await b.tryHold('clip-2'), true, 'another clip is free');
  await a.release('clip-1');
  assert.equal(await b.tryHold('clip-1'), true);
  await writeFile(join(dir, '.clip-3.lock'), '999999999\n'); // a process that is gone
  assert.equal(await a.tryHold('clip-3'), true);
});
