// `npm run smoke:aws [stackName]`: what only a real account can show, in one command after
// `npx cdk deploy --outputs-file cdk-outputs.json` (the stack's outputs are read from that file). Makes a short sample talk, drops it into the deployed uploads bucket's inbox and
// waits for its clips in the outputs bucket: IAM as AWS evaluates it, the Fargate images, the
// bundled FFmpeg on Amazon Linux 2023 and the whole state machine, end to end. Uses the AWS
// credentials and region of your shell. Exit 0 with the clips listed, or 1 with what is missing.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INBOX_PREFIX } from '../src/aws/s3Limits.ts';
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

const talk = join(await mkdtemp(join(tmpdir(), 'clipforge-smoke-')), 'smoke-talk.mp4');
await makeSampleTalk(talk, { sections: TALK.slice(0, 4) });
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
