// `npm run smoke:aws [stackName]`: what only a real account can show, in one command after
// `npx cdk deploy --outputs-file cdk-outputs.json` (the stack's outputs are read from that file).
// Makes a short sample talk and runs it twice, as users do: through the API (POST /uploads, the
// presigned PUT, POST /jobs, following it on the WebSocket, GET /jobs/{id} and a clip's download
// link, every request SigV4-signed) and through the uploads bucket's inbox (waiting for its clips
// in the outputs bucket): IAM as AWS evaluates it, API Gateway's SigV4 and routing, the Fargate
// images, the bundled FFmpeg on Amazon Linux 2023 and the whole state machine. Uses the AWS
// credentials and region of your shell (they need execute-api:Invoke on both APIs and s3:PutObject
// on the inbox). Exit 0 with the clips listed, or 1 with what failed.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { INBOX_PREFIX } from '../src/aws/s3Limits.ts';
import { presignedWebSocketUrl, signedFetch } from './awsSigned.ts';
import { makeSampleTalk } from '../src/samples/sampleTalk.ts';
import { TALK } from '../src/samples/talkScript.ts';

const stackName = process.argv[2] ?? 'Clipforge';
/** Ingest, transcription, scoring and two Fargate tasks per clip, each task's start included. */
const WAIT_MS = 30 * 60_000;

const outputsFile = 'cdk-outputs.json';
const all = existsSync(outputsFile) ? (JSON.parse(await readFile(outputsFile, 'utf8')) as Record<string, Record<string, string>>) : {};
const outputs = all[stackName] ?? {};
const [uploads, results] = [outputs.UploadsBucket, outputs.OutputsBucket];
if (!uploads || !results) {
  console.error(`no outputs of stack ${stackName} in ${outputsFile}: deploy with "npx cdk deploy --outputs-file ${outputsFile}" first`);
  process.exit(2);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const talk = join(await mkdtemp(join(tmpdir(), 'clipforge-smoke-')), 'smoke-talk.mp4');
await makeSampleTalk(talk, { sections: TALK.slice(0, 4) });

// 1. Through the API and the WebSocket.
const [apiUrl, progressUrl] = [outputs.JobsApiUrl, outputs.ProgressUrl];
if (!apiUrl || !progressUrl) {
  console.error(`no JobsApiUrl/ProgressUrl outputs of stack ${stackName} in ${outputsFile}`);
  process.exit(2);
}
const region = (await new S3Client({}).config.region()) as string;
const api = (path: string, method = 'GET', body?: unknown) =>
  signedFetch(
    `${apiUrl.replace(/\/$/, '')}${path}`,
    { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) },
    { service: 'execute-api', region },
  );
const video = await readFile(talk);
const ticketRes = await api('/uploads', 'POST', { filename: 'smoke-talk.mp4', size: video.length, contentType: 'video/mp4' });
if (ticketRes.status !== 201) fail(`POST /uploads answered ${ticketRes.status}: ${await ticketRes.text()}`);
const ticket = (await ticketRes.json()) as { uploadId: string; uploadUrl: string };
const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: video });
if (!put.ok) fail(`the presigned upload answered ${put.status}: ${await put.text()}`);
const socket = new WebSocket(await presignedWebSocketUrl(progressUrl, { service: 'execute-api', region }));
await new Promise<void>((resolve, reject) => {
  socket.once('open', () => resolve());
  socket.once('error', reject);
  socket.once('unexpected-response', (_req, res) => reject(new Error(`the WebSocket $connect answered ${res.statusCode}`)));
});
const jobRes = await api('/jobs', 'POST', { source: { uploadId: ticket.uploadId }, options: { clips: 2 } });
if (jobRes.status !== 202) fail(`POST /jobs answered ${jobRes.status}: ${await jobRes.text()}`);
const { jobId } = (await jobRes.json()) as { jobId: string };
console.log(`API job ${jobId} queued; following it on the WebSocket`);
const ended = await new Promise<{ type: string; error?: string }>((resolve) => {
  const timer = setTimeout(() => resolve({ type: 'timeout' }), WAIT_MS);
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; jobId?: string; stage?: string; pct?: number; error?: string };
    if (m.jobId !== jobId) return;
    if (m.type === 'progress') process.stdout.write(`\r  ${m.stage} ${m.pct}%   `);
    if (m.type === 'done' || m.type === 'failed' || m.type === 'cancelled' || m.type === 'error') {
      clearTimeout(timer);
      resolve(m);
    }
  });
  socket.send(JSON.stringify({ subscribe: jobId }));
});
socket.close();
if (ended.type !== 'done') fail(`\nthe API job ended ${ended.type}${ended.error ? `: ${ended.error}` : ''}`);
const detail = (await (await api(`/jobs/${jobId}`)).json()) as { clips: Array<{ rank: number; title: string; urls: { video: string } }> };
if (!detail.clips.length) fail('the API job is done but lists no clips');
const download = await fetch(detail.clips[0]!.urls.video, { method: 'HEAD' });
if (!download.ok) fail(`the clip's download link answered ${download.status}`);
console.log(`\nAPI job done: ${detail.clips.map((c) => `#${c.rank} ${c.title}`).join(', ')}; its download link works`);

// 2. Through the inbox.
const key = `${INBOX_PREFIX}smoke-${Date.now()}.mp4`;
const s3 = new S3Client({});
const started = Date.now();
await s3.send(new PutObjectCommand({ Bucket: uploads, Key: key, Body: await readFile(talk), ContentType: 'video/mp4' }));
console.log(`uploaded s3://${uploads}/${key}; waiting for its clips (up to ${WAIT_MS / 60_000} minutes)`);

const sfn = new SFNClient({});
/** The reason, if this upload's execution failed (no need to wait out the half hour). */
async function failure(): Promise<string | undefined> {
  if (!outputs.StateMachine) return undefined;
  const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: outputs.StateMachine, statusFilter: 'FAILED', maxResults: 20 }));
  for (const e of executions ?? []) {
    if ((e.startDate?.getTime() ?? 0) < started) continue;
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn! }));
    if (d.input?.includes(key)) return `${d.error ?? 'failed'}: ${d.cause ?? ''}`;
  }
  return undefined;
}

while (Date.now() - started < WAIT_MS) {
  await new Promise((r) => setTimeout(r, 15_000));
  const failed = await failure();
  if (failed) {
    console.error(`\nthe job for ${key} failed: ${failed}`);
    process.exit(1);
  }
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: results, Prefix: 'jobs/', ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (!o.Key?.endsWith('/clips.json') || (o.LastModified?.getTime() ?? 0) < started) continue;
      const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: results, Key: o.Key }))).Body!.transformToString()) as {
        source: { path: string };
        clips: Array<{ rank: number; file: string; title: string; start: number; end: number }>;
      };
      if (!manifest.source.path.endsWith(key)) continue;
      console.log(
        `done in ${Math.round((Date.now() - started) / 1000)} s: ${manifest.clips.length} clips under s3://${results}/${o.Key.replace(/clips\.json$/, '')}`,
      );
      for (const c of manifest.clips) console.log(`  #${c.rank} ${c.file} ${c.start.toFixed(1)}-${c.end.toFixed(1)} s  ${c.title}`);
      process.exit(manifest.clips.length > 0 ? 0 : 1);
    }
    token = page.NextContinuationToken;
  } while (token);
  process.stdout.write('.');
}
console.error(`\nno clips for ${key} after ${WAIT_MS / 60_000} minutes: see the executions of ${outputs.StateMachine} in the Step Functions console`);
process.exit(1);
