// The job repository's contract: what every implementation (memory, SQLite, DynamoDB) must do.
// Each runtime's test file calls it with a way to make a fresh repository.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Manifest } from '../../src/core/schemas.ts';
import type { JobRepository, NewJob } from '../../src/jobs/jobRepository.ts';

const manifest = (jobId: string, clips = 2): Manifest =>
  ({
    jobId,
    source: { path: 'talk.mp4', duration: 600, width: 1920, height: 1080 },
    clips: Array.from({ length: clips }, (_, i) => ({
      rank: i + 1,
      start: i * 30,
      end: i * 30 + 20,
      score: 0.9 - i / 10,
      title: `clip ${i + 1}`,
      reason: 'test',
      file: `clip-${i + 1}.mp4`,
      srt: `clip-${i + 1}.srt`,
      vtt: `clip-${i + 1}.vtt`,
      thumbnail: `clip-${i + 1}.jpg`,
    })),
  }) as unknown as Manifest;

export function jobRepositoryContract(name: string, make: () => Promise<JobRepository<string>>): void {
  let n = 0;
  const job = (over: Partial<NewJob<string>> = {}): NewJob<string> => ({
    jobId: `${name.replace(/\W/g, '')}-${Date.now()}-${n++}`,
    name: 'talk.mp4',
    source: 's3://in/talk.mp4',
    captions: null,
    options: { clips: 2 },
    ...over,
  });

  test(`${name}: a new job is queued, once per id`, async () => {
    const repo = await make();
    const j = job({ captions: 's3://in/talk.srt' });
    assert.equal(await repo.create(j), true);
    assert.equal(await repo.create({ ...j, name: 'other' }), false, 'a repeated request does not overwrite');
    const got = (await repo.get(j.jobId))!;
    assert.equal(got.status, 'queued');
    assert.equal(got.name, 'talk.mp4');
    assert.equal(got.source, 's3://in/talk.mp4');
    assert.equal(got.captions, 's3://in/talk.srt');
    assert.deepEqual(got.options, { clips: 2 });
    assert.equal(got.attempts, 0);
    assert.equal(got.pct, 0);
    assert.deepEqual(got.stages, {});
    assert.equal(got.manifest, null);
    assert.equal(await repo.get('no-such-job'), undefined);
  });

  test(`${name}: progress marks the job running and keeps each stage's last report`, async () => {
    const repo = await make();
    const j = job();
    await repo.create(j);
    assert.equal(await repo.start(j.jobId), true);
    assert.equal(await repo.progress(j.jobId, { stage: 'ingest', pct: 100, message: 'probed' }), true);
    assert.equal(await repo.progress(j.jobId, { stage: 'render clip 1', pct: 40, message: 'encoding' }), true);
    const got = (await repo.get(j.jobId))!;
    assert.equal(got.status, 'running');
    assert.equal(got.attempts, 1);
    assert.equal(got.stage, 'render clip 1');
    assert.equal(got.pct, 40);
    assert.deepEqual(got.stages, { ingest: { pct: 100, message: 'probed' }, 'render clip 1': { pct: 40, message: 'encoding' } });
    assert.ok(got.updatedAt >= got.createdAt);
  });

  test(`${name}: done keeps the manifest; nothing moves a job that ended`, async () => {
    const repo = await make();
    const j = job();
    await repo.create(j);
    assert.equal(await repo.end(j.jobId, { status: 'done', manifest: manifest(j.jobId) }), false, 'nothing finishes without running');
    await repo.start(j.jobId);
    assert.equal(await repo.end(j.jobId, { status: 'done', manifest: manifest(j.jobId) }), true);
    const done = (await repo.get(j.jobId))!;
    assert.equal(done.status, 'done');
    assert.equal(done.message, '2 clips ready');
    assert.equal(done.pct, 100);
    assert.equal(done.manifest?.clips.length, 2);
    // What arrives late: a progress event, a failure report, a cancel, a retried start.
    assert.equal(await repo.progress(j.jobId, { stage: 'render clip 2', pct: 90, message: 'late' }), false);
    assert.equal(await repo.end(j.jobId, { status: 'failed', error: 'late failure' }), false);
    assert.equal(await repo.end(j.jobId, { status: 'cancelled', message: 'cancelled' }), false);
    assert.equal(await repo.start(j.jobId), false);
    const after = (await repo.get(j.jobId))!;
    assert.equal(after.status, 'done');
    assert.equal(after.stage, done.stage);
    assert.equal(after.error, null);
  });

  test(`${name}: a cancelled job stays cancelled whatever its stages still report`, async () => {
    const repo = await make();
    const j = job();
    await repo.create(j);
    await repo.progress(j.jobId, { stage: 'transcribe', pct: 10, message: 'listening' });
    assert.equal(await repo.end(j.jobId, { status: 'cancelled', message: 'cancelled through the API' }), true);
    assert.equal(await repo.progress(j.jobId, { stage: 'transcribe', pct: 20, message: 'late' }), false);
    assert.equal(await repo.end(j.jobId, { status: 'done', manifest: manifest(j.jobId) }), false);
    const got = (await repo.get(j.jobId))!;
    assert.equal(got.status, 'cancelled');
    assert.equal(got.message, 'cancelled through the API');
    assert.equal(got.pct, 10);
    assert.equal(got.manifest, null);
  });

  test(`${name}: a failure keeps its reason; a queued job can fail (bad input) or be cancelled`, async () => {
    const repo = await make();
    const a = job();
    const b = job();
    await repo.create(a);
    await repo.create(b);
    assert.equal(await repo.end(a.jobId, { status: 'failed', error: 'bad input: not a video' }), true);
    const failed = (await repo.get(a.jobId))!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'bad input: not a video');
    assert.equal(failed.message, 'bad input: not a video');
    assert.equal(await repo.end(b.jobId, { status: 'cancelled', message: 'cancelled before it started' }), true);
    assert.equal((await repo.get(b.jobId))!.status, 'cancelled');
    assert.equal(await repo.end('no-such-job', { status: 'failed', error: 'x' }), false, 'an unknown job is not created by ending it');
    assert.equal(await repo.get('no-such-job'), undefined);
  });

  test(`${name}: a retried run counts its attempts and clears the last error`, async () => {
    const repo = await make();
    const j = job();
    await repo.create(j);
    await repo.start(j.jobId);
    await repo.start(j.jobId);
    assert.equal((await repo.get(j.jobId))!.attempts, 2);
  });

  test(`${name}: a list is newest first, as summaries`, async () => {
    const repo = await make();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const j = job();
      ids.push(j.jobId);
      await repo.create(j);
      await new Promise((r) => setTimeout(r, 5));
    }
    await repo.start(ids[0]!);
    await repo.end(ids[0]!, { status: 'done', manifest: manifest(ids[0]!) });
    const listed = (await repo.list(50)).filter((j) => ids.includes(j.jobId));
    assert.deepEqual(
      listed.map((j) => j.jobId),
      [...ids].reverse(),
    );
    const first = listed.at(-1)!;
    assert.equal(first.status, 'done');
    assert.equal(first.manifest, null, 'a list leaves manifests out');
    assert.equal((await repo.list(1)).length, 1);
  });
}
