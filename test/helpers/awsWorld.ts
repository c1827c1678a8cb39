// The deployed stack's data plane for stage tests: the three buckets and three tables in the AWS
// emulator, a loopback Management API (WebSocket pushes, 410s on demand) and a loopback Step
// Functions callback endpoint, plus the environment the stack gives every stage.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { type AwsEmulator, createTable, emulatorEnv, startAwsEmulator } from './moto.ts';
import { type FakeManagementApi, startManagementApi } from './wsManagementApi.ts';
import { startSfnCallbacks } from './sfnCallbacks.ts';
import type { ResourceNames } from './roles.ts';

export interface AwsWorld {
  aws: AwsEmulator;
  s3: S3Client;
  ddb: DynamoDBClient;
  ws: FakeManagementApi;
  sfn: Awaited<ReturnType<typeof startSfnCallbacks>>;
  names: { uploads: string; work: string; outputs: string; jobs: string; connections: string; cache: string };
  /** What the stack sets on every stage (stageEnvironment in infra/constructs/stageAccess.ts), pointed at the emulator. */
  env: Record<string, string>;
  /** The emulator's names by the stack's construct paths, for the roles' policies (test/helpers/roles.ts). */
  stackNames: ResourceNames;
  upload(key: string, file: string): Promise<string>;
  job(jobId: string): Promise<Record<string, any> | undefined>;
  addJob(jobId: string, status?: string): Promise<void>;
  subscribe(connectionId: string, jobId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startAwsWorld(): Promise<AwsWorld> {
  const aws = await startAwsEmulator();
  const ws = await startManagementApi();
  const sfn = await startSfnCallbacks();
  const s3 = new S3Client(aws.config);
  const ddb = new DynamoDBClient(aws.config);
  const doc = DynamoDBDocumentClient.from(ddb);
  const id = randomBytes(3).toString('hex');
  const names = { uploads: `uploads-${id}`, work: `work-${id}`, outputs: `outputs-${id}`, jobs: `jobs-${id}`, connections: `conn-${id}`, cache: `cache-${id}` };
  for (const b of [names.uploads, names.work, names.outputs]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await createTable(ddb, 'jobs', names.jobs);
  await createTable(ddb, 'connections', names.connections);
  await createTable(ddb, 'transcripts', names.cache);
  const env = {
    ...emulatorEnv(aws),
    AWS_ENDPOINT_URL_SFN: sfn.url,
    WORK_BUCKET: names.work,
    OUTPUTS_BUCKET: names.outputs,
    JOBS_TABLE: names.jobs,
    CONNECTIONS_TABLE: names.connections,
    CACHE_TABLE: names.cache,
    WS_CALLBACK_URL: ws.url,
  };
  return {
    aws,
    s3,
    ddb,
    ws,
    sfn,
    names,
    env,
    stackNames: {
      'Storage/Uploads': names.uploads,
      'Storage/Work': names.work,
      'Storage/Outputs': names.outputs,
      'Tables/Jobs': names.jobs,
      'Tables/Connections': names.connections,
      'Tables/TranscriptCache': names.cache,
    },
    async upload(key, file) {
      await s3.send(new PutObjectCommand({ Bucket: names.uploads, Key: key, Body: await readFile(file) }));
      return `s3://${names.uploads}/${key}`;
    },
    async job(jobId) {
      return (await doc.send(new GetCommand({ TableName: names.jobs, Key: { jobId } }))).Item;
    },
    async addJob(jobId, status = 'queued') {
      const now = new Date().toISOString();
      await doc.send(new PutCommand({ TableName: names.jobs, Item: { jobId, status, source: 'test', stages: {}, createdAt: now, updatedAt: now } }));
    },
    async subscribe(connectionId, jobId) {
      await doc.send(new PutCommand({ TableName: names.connections, Item: { connectionId, jobId, expiresAt: Math.floor(Date.now() / 1000) + 3600 } }));
    },
    async close() {
      s3.destroy();
      ddb.destroy();
      await ws.close();
      await sfn.close();
      await aws.stop();
    },
  };
}
