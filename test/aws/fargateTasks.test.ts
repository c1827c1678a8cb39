// The Fargate task entry point (containers/task/main.ts), bundled as the images bundle it and run
// as a process with what Fargate gives it: the command from the task definition (track|render),
// the stage environment, and the TASK_TOKEN/TASK_INPUT_KEY overrides the state machine sets. Sources
// in the emulator's S3 are read through presigned URLs; answers go to a loopback Step Functions
// endpoint.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CropPathSchema, type Transcript } from '../../src/core/schemas.ts';
import { type AwsWorld, startAwsWorld } from '../helpers/awsWorld.ts';
import { faceTalk, probe } from '../helpers/media.ts';
import { bundleTask, runTask } from '../helpers/taskProcess.ts';
import { realisticTaskToken } from '../helpers/taskToken.ts';

let world: AwsWorld;
let sourceFile: string;
let duration: number;

const [TOK_TRACK, TOK_RENDER, TOK_FAIL] = [realisticTaskToken(), realisticTaskToken(), realisticTaskToken()];

const clipTask = (jobId: string, transcriptKey = `${jobId}/transcript.json`) => ({
  jobId,
  sourceFile,
  source: { path: sourceFile, duration, width: 1280, height: 720, fps: 30 },
  transcriptKey,
  clip: { rank: 1, start: 4, end: 16, score: 80, title: 'A clip', reason: 'complete thought', text: 'one two three' },
});

/** As the state machine starts it: the input saved in the work bucket, its key and the token in the environment. */
async function fargate(stage: string, token: string, input: { jobId: string } & Record<string, unknown>) {
  const key = `jobs/${input.jobId}/tasks/clip-1-${stage}.json`;
  await world.s3.send(new PutObjectCommand({ Bucket: world.names.work, Key: key, Body: JSON.stringify(input) }));
  return runTask(stage, { ...world.env, TASK_TOKEN: token, TASK_INPUT_KEY: key, TASK_HEARTBEAT_SEC: '1', POWERTOOLS_LOG_LEVEL: 'INFO' });
}

before(async () => {
  world = await startAwsWorld();
  await bundleTask();
  const video = await faceTalk();
  sourceFile = await world.upload('uploads/face/talk.mp4', video);
  const info = await probe(video);
  duration = info.duration;
  // Words every 0.4 s over the clip, as the transcribe stage would have stored them.
  const words = Array.from({ length: 40 }, (_, i) => ({ w: `word${i}`, start: 4 + i * 0.3, end: 4 + i * 0.3 + 0.25 }));
  const transcript: Transcript = { provider: 'test', model: 'test', audioSeconds: info.duration, words };
  await world.s3.send(new PutObjectCommand({ Bucket: world.names.work, Key: 'jobs/job-f/transcript.json', Body: JSON.stringify(transcript) }));
  await world.addJob('job-f', 'running');
});
after(async () => {
  await world?.close();
});

test('track, then render, as Fargate runs them: answers with the crop path and the clip files, heartbeats meanwhile', async () => {
  const tracked = await fargate('track', TOK_TRACK, clipTask('job-f'));
  assert.equal(tracked.code, 0, tracked.stderr + tracked.stdout);
  const lines = tracked.stdout.split('\n').filter((l) => l.startsWith('{'));
  assert.ok(lines.length > 0 && lines.every((l) => JSON.parse(l).jobId === 'job-f'), `every log line names its job: ${lines.slice(0, 2)}`);
  const answer = world.sfn.calls.find((c) => c.body.taskToken === TOK_TRACK && c.action !== 'SendTaskHeartbeat')!;
  assert.equal(answer.action, 'SendTaskSuccess', answer.body.cause);
  const crop = CropPathSchema.parse(JSON.parse(answer.body.output!));
  assert.equal(world.sfn.calls.find((c) => c.body.taskToken === TOK_TRACK)!.action, 'SendTaskHeartbeat', 'a heartbeat as soon as the task starts');
  assert.equal(crop.fallback, null, 'MediaPipe found the face through the presigned URL');
  assert.equal(crop.crop.h, 720);

  const rendered = await fargate('render', TOK_RENDER, { ...clipTask('job-f'), crop });
  assert.equal(rendered.code, 0, rendered.stderr + rendered.stdout);
  const done = world.sfn.calls.find((c) => c.body.taskToken === TOK_RENDER && c.action !== 'SendTaskHeartbeat')!;
  assert.equal(done.action, 'SendTaskSuccess', done.body.cause);
  assert.deepEqual(JSON.parse(done.body.output!), { file: 'clip-1.mp4', srt: 'clip-1.srt', vtt: 'clip-1.vtt', thumbnail: 'clip-1.jpg' });
  assert.ok(
    world.sfn.calls.some((c) => c.body.taskToken === TOK_RENDER && c.action === 'SendTaskHeartbeat'),
    'heartbeats while encoding',
  );

  const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.outputs, Prefix: 'jobs/job-f/' }));
  assert.deepEqual(
    listed.Contents?.map((o) => o.Key).sort(),
    ['clip-1.jpg', 'clip-1.mp4', 'clip-1.srt', 'clip-1.vtt'].map((f) => `jobs/job-f/${f}`),
  );
  const mp4 = join(mkdtempSync(join(tmpdir(), 'cf-fargate-')), 'clip.mp4');
  const obj = await world.s3.send(new GetObjectCommand({ Bucket: world.names.outputs, Key: 'jobs/job-f/clip-1.mp4' }));
  await writeFile(mp4, await obj.Body!.transformToByteArray());
  const info = await probe(mp4);
  assert.equal(info.video?.width, 1080);
  assert.equal(info.video?.height, 1920);
  assert.equal(info.audio?.codec, 'aac');
  assert.ok(Math.abs(info.duration - 12) < 0.3, `${info.duration} s`);
  const srt = await world.s3.send(new GetObjectCommand({ Bucket: world.names.outputs, Key: 'jobs/job-f/clip-1.srt' }));
  assert.match(await srt.Body!.transformToString(), /word0/);
  const job = await world.job('job-f');
  assert.equal(job?.stages.render.pct, 100, 'the render progress reached the job record');
});

test('a task whose stage fails answers SendTaskFailure named like the error, exits 0, and publishes nothing', async () => {
  const res = await fargate('render', TOK_FAIL, {
    ...clipTask('job-missing'),
    crop: { crop: { w: 404, h: 720 }, path: [{ t: 4, cx: 0.5, cy: 0.5 }], fallback: null },
  });
  assert.equal(res.code, 0, res.stderr);
  const answer = world.sfn.calls.find((c) => c.body.taskToken === TOK_FAIL && c.action !== 'SendTaskHeartbeat')!;
  assert.equal(answer.action, 'SendTaskFailure');
  assert.equal(answer.body.error, 'NoSuchKey');
  const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.outputs, Prefix: 'jobs/job-missing/' }));
  assert.equal(listed.KeyCount ?? 0, 0);
});

test('a task nobody waits for any more (the job was cancelled: its heartbeat is refused) stops at once and publishes nothing', async () => {
  const token = realisticTaskToken();
  world.sfn.expired.add(token);
  // Everything the render needs is there: only the refused heartbeat keeps it from publishing a clip.
  const transcript = await world.s3.send(new GetObjectCommand({ Bucket: world.names.work, Key: 'jobs/job-f/transcript.json' }));
  await world.s3.send(
    new PutObjectCommand({ Bucket: world.names.work, Key: 'jobs/job-gone/transcript.json', Body: await transcript.Body!.transformToString() }),
  );
  await world.addJob('job-gone', 'running');
  const res = await fargate('render', token, {
    ...clipTask('job-gone'),
    crop: { crop: { w: 404, h: 720 }, path: [{ t: 4, cx: 0.5, cy: 0.5 }], fallback: null },
  });
  assert.equal(res.code, 0, res.stderr);
  const listed = await world.s3.send(new ListObjectsV2Command({ Bucket: world.names.outputs, Prefix: 'jobs/job-gone/' }));
  assert.equal(listed.KeyCount ?? 0, 0, 'no clip published');
  assert.equal(
    world.sfn.calls.some((c) => c.body.taskToken === token),
    false,
    'nothing answered: nobody waits',
  );
});

test('started without a task token (not by the state machine), the task exits non-zero and says why', async () => {
  const res = await runTask('render', { ...world.env });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /not started by the state machine: TASK_TOKEN/);
  const bad = await runTask('encode', { ...world.env, TASK_TOKEN: 't', TASK_INPUT_KEY: 'jobs/x/tasks/none.json' });
  assert.notEqual(bad.code, 0);
});
