// The stage Lambdas (lambdas/stages/handler.ts) invoked as Step Functions invokes them, against
// the emulator: ingest reads an uploaded video by presigned URL and leaves its speech in the work
// bucket; bad uploads fail as InputError (the name the state machine does not retry); finalize
// and jobFailed end the job's record and tell its subscribers; a cancelled job stays cancelled.
// Last, the ingest Lambda as the stack deploys it (bundle, bundled static FFmpeg, limits) runs
// from a process, by host name, and a truncated upload fails as clean bad input.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ManifestSchema } from '../../src/core/schemas.ts';
import { type AwsWorld, startAwsWorld } from '../helpers/awsWorld.ts';
import { bundleFiles, call, deployedFunctions, invoke } from '../helpers/deployedBundle.ts';
import { shortTalk, truncatedCopy } from '../helpers/media.ts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** The host a presigned URL for this object names (the SDK's choice, as in a deployed stage). */
async function presignedHost(uri: string): Promise<string> {
  const [, Bucket, Key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  return new URL(await getSignedUrl(world.s3, new GetObjectCommand({ Bucket: Bucket!, Key: Key! }))).hostname;
}

let world: AwsWorld;
type Stage = (input: unknown) => Promise<any>;
let stages: { ingest: Stage; score: Stage; finalize: Stage; jobFailed: Stage };
let talk: string;

before(async () => {
  world = await startAwsWorld();
  Object.assign(process.env, world.env);
  stages = await import('../../lambdas/stages/handler.ts');
  talk = await shortTalk();
});
after(async () => {
  await world?.close();
});

const options = { clips: 2, minSec: 10, maxSec: 30, concurrency: 2 };

test('ingest: an uploaded video is probed through a presigned URL and its speech lands in the work bucket', async () => {
  const source = await world.upload('uploads/u1/talk.mp4', talk);
  await world.addJob('job-ingest');
  await world.subscribe('c1', 'job-ingest');
  const out = await stages.ingest({ jobId: 'job-ingest', source, options });
  assert.equal(out.sourceFile, source, 'later tasks get the S3 reference, not a local path');
  assert.equal(out.audioKey, 'job-ingest/speech.wav');
  assert.equal(out.captionsKey, null);
  assert.ok(out.source.duration > 60 && out.source.width === 1280, JSON.stringify(out.source));
  const wav = await world.s3.send(new HeadObjectCommand({ Bucket: world.names.work, Key: 'jobs/job-ingest/speech.wav' }));
  // 16 kHz mono 16-bit: 32,000 bytes per second of speech.
  assert.ok(Math.abs(wav.ContentLength! / 32_000 - out.source.duration) < 1, `${wav.ContentLength} bytes for ${out.source.duration} s`);

  const job = await world.job('job-ingest');
  assert.equal(job?.status, 'running');
  assert.equal(job?.stages.ingest.pct, 100);
  const pushed = world.ws.received.get('c1') as Array<{ type: string; stage: string; pct: number }>;
  assert.ok(pushed.length >= 2 && pushed.every((m) => m.type === 'progress' && m.stage === 'ingest'));
  assert.deepEqual(
    pushed.map((m) => m.pct),
    [...pushed.map((m) => m.pct)].sort((a, b) => a - b),
    'in order',
  );
  assert.equal(pushed.at(-1)!.pct, 100);
});

test('ingest: a file that is not a video, and an upload that is not there, fail as InputError with the reason', async () => {
  const text = join(mkdtempSync(join(tmpdir(), 'cf-bad-')), 'notes.mp4');
  (await import('node:fs')).writeFileSync(text, 'these are meeting notes, not a video\n'.repeat(50));
  const bad = await world.upload('uploads/u2/notes.mp4', text);
  await assert.rejects(stages.ingest({ jobId: 'job-bad', source: bad, options }), (err: Error) => {
    assert.equal(err.name, 'InputError');
    assert.match(err.message, /not a media file FFmpeg can read|cannot be read/);
    return true;
  });
  await assert.rejects(stages.ingest({ jobId: 'job-gone', source: `s3://${world.names.uploads}/uploads/none/x.mp4`, options }), (err: Error) => {
    assert.equal(err.name, 'InputError');
    assert.match(err.message, /does not exist/);
    return true;
  });
  await assert.rejects(stages.ingest({ jobId: 'job-path', source: '/etc/passwd', options }), { name: 'InputError', message: /unsupported source/ });
});

const clip = (rank: number, start: number) => ({
  clip: { rank, start, end: start + 12, score: 90 - rank * 10, title: `Clip ${rank}`, reason: 'a complete thought', text: 'words' },
  crop: { crop: { w: 404, h: 720 }, path: [{ t: start, cx: 0.5, cy: 0.5 }], fallback: null },
  output: { file: `clip-${rank}.mp4`, srt: `clip-${rank}.srt`, vtt: `clip-${rank}.vtt`, thumbnail: `clip-${rank}.jpg` },
});

function finalizeInput(jobId: string) {
  return {
    jobId,
    source: { path: 's3://u/talk.mp4', duration: 80, width: 1280, height: 720, fps: 30 },
    transcript: {
      transcriptKey: `${jobId}/transcript.json`,
      audioSeconds: 80,
      provider: 'openai',
      words: 200,
      usage: { models: { 'whisper-1': { requests: 1, audioSeconds: 80, tokensIn: 0, tokensOut: 0 } }, cacheHits: 0 },
    },
    scorer: 'first-pass',
    clips: [clip(2, 40), clip(1, 5)],
  };
}

test('finalize: the manifest is written to the outputs, the job is done with it, subscribers get "done"', async () => {
  await world.addJob('job-fin', 'running');
  await world.subscribe('c2', 'job-fin');
  // What the render tasks wrote: the job's ZIP is made from them.
  const input = finalizeInput('job-fin') as { clips: Array<{ output: Record<string, string> }> };
  for (const c of input.clips)
    for (const name of Object.values(c.output))
      await world.s3.send(new PutObjectCommand({ Bucket: world.names.outputs, Key: `jobs/job-fin/${name}`, Body: name }));
  const manifest = ManifestSchema.parse(await stages.finalize(input));
  assert.deepEqual(
    manifest.clips.map((c) => c.rank),
    [1, 2],
  );
  const stored = await world.s3.send(new GetObjectCommand({ Bucket: world.names.outputs, Key: 'jobs/job-fin/clips.json' }));
  assert.deepEqual(ManifestSchema.parse(JSON.parse(await stored.Body!.transformToString())), manifest);
  const zip = await world.s3.send(new GetObjectCommand({ Bucket: world.names.outputs, Key: 'jobs/job-fin/clips.zip' }));
  assert.equal(Buffer.from(await zip.Body!.transformToByteArray()).readUInt32LE(0), 0x04034b50, 'a ZIP');
  const job = await world.job('job-fin');
  assert.equal(job?.status, 'done');
  assert.equal(job?.message, '2 clips ready');
  assert.deepEqual(ManifestSchema.parse(job?.manifest), manifest);
  const last = (world.ws.received.get('c2') as Array<{ type: string }>).at(-1) as { type: string; manifest: unknown };
  assert.equal(last.type, 'done');
  assert.deepEqual(last.manifest, JSON.parse(JSON.stringify(manifest)));
});

test('jobFailed: the reason from a Lambda error report is stored and pushed; a cancelled job stays cancelled, its subscribers told when its execution stops', async () => {
  await world.addJob('job-fail', 'running');
  await world.subscribe('c3', 'job-fail');
  const cause = JSON.stringify({ errorType: 'InputError', errorMessage: 'talk.mp4 has no audio stream, so there is no speech to transcribe', trace: [] });
  await stages.jobFailed({ jobId: 'job-fail', error: { Error: 'InputError', Cause: cause } });
  const job = await world.job('job-fail');
  assert.equal(job?.status, 'failed');
  assert.equal(job?.error, 'InputError: talk.mp4 has no audio stream, so there is no speech to transcribe');
  assert.deepEqual((world.ws.received.get('c3') as unknown[]).at(-1), { type: 'failed', jobId: 'job-fail', error: job?.error });

  await world.addJob('job-cancelled', 'cancelled');
  await world.subscribe('c4', 'job-cancelled');
  await stages.jobFailed({ jobId: 'job-cancelled', error: { Error: 'States.Runtime', Cause: 'aborted' } });
  assert.equal((await world.job('job-cancelled'))?.status, 'cancelled');
  assert.equal(world.ws.received.get('c4'), undefined, 'nothing pushed for a job that had already ended');
  // The execution-ended rule's event for the stop the cancel caused: subscribers learn it ended.
  await stages.jobFailed({ jobId: 'job-cancelled', error: { Error: 'ABORTED', Cause: 'the execution ended: ABORTED' } });
  assert.equal((await world.job('job-cancelled'))?.status, 'cancelled');
  assert.deepEqual(world.ws.received.get('c4'), [{ type: 'cancelled', jobId: 'job-cancelled' }]);
});

test('the ingest Lambda as deployed (its bundle in its own process, read-only code, its memory and timeout) probes and extracts with its own static FFmpeg by host name', async () => {
  const functions = deployedFunctions();
  after(functions.remove);
  const fn = functions.get('Pipeline/Ingest');
  assert.deepEqual(bundleFiles(fn, 'bin'), ['ffmpeg', 'ffprobe'], 'the stage bundle carries its FFmpeg');
  assert.equal(fn.env.CLIPFORGE_FFMPEG, join(fn.dir, 'bin', 'ffmpeg'), 'the bundled binary is the one used');
  const source = await world.upload('uploads/u3/talk.mp4', talk);
  assert.match(await presignedHost(source), /^uploads-\w+\.localhost$/, 'the presigned URL names its bucket by host name, as for a real bucket');
  const out = await call(fn, { jobId: 'job-bundled', source, options }, world.env);
  assert.ok(out.source.duration > 60);
  const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.work, Prefix: 'jobs/job-bundled/' }));
  assert.deepEqual(
    listed.Contents?.map((o) => o.Key),
    ['jobs/job-bundled/speech.wav'],
  );

  // A truncated upload through the deployed bundle: bad input, named by its upload, no credential in the message.
  const cut = await truncatedCopy(talk);
  const bad = await world.upload('uploads/u4/cut.mp4', cut);
  const res = await invoke(fn, { jobId: 'job-cut', source: bad, options }, world.env);
  assert.equal(res.ok, false);
  assert.equal(!res.ok && res.errorType, 'InputError', !res.ok ? res.errorMessage : '');
  assert.match(!res.ok ? res.errorMessage : '', /uploads\/u4\/cut\.mp4 is truncated or corrupt/);
  assert.doesNotMatch(!res.ok ? res.errorMessage : '', /X-Amz-|Signature|Credential/i);
});
