// moto's AWS emulator server on loopback, for the AWS adapters' tests: the real AWS SDK clients
// talk HTTP to it. Set CLIPFORGE_AWS_ENDPOINT to run the same tests against LocalStack instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONNECTIONS_BY_JOB } from '../../infra/constructs/tables.ts';
import { projectPython } from '../../src/core/projectRoot.ts';

export interface AwsEmulator {
  endpoint: string;
  /** Client settings for the AWS SDK v3. */
  config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; forcePathStyle: boolean };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const settings = (endpoint: string): AwsEmulator['config'] => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  // Virtual-hosted bucket addresses (bucket.localhost:port), as the SDK makes them for real
  // buckets; *.localhost resolves through the system's resolver (libnss-myhostname, setup --tests).
  forcePathStyle: false,
});

export async function startAwsEmulator(): Promise<AwsEmulator> {
  const given = process.env.CLIPFORGE_AWS_ENDPOINT;
  if (given) return { endpoint: given, config: settings(given), stop: async () => undefined };
  const port = await freePort();
  const child: ChildProcess = spawn(projectPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  // By host name, as every real endpoint is reached: an IP hides name-lookup failures (a static
  // FFmpeg that segfaults on any host name passed every test that used 127.0.0.1).
  const endpoint = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`moto server exited: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (i > 150) throw new Error(`moto server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    config: settings(endpoint),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/** The stack's tables (infra/constructs/tables.ts), made in the emulator under a given name. */
export type TableKind = 'jobs' | 'connections' | 'transcripts' | 'idempotency';

export async function createTable(ddb: DynamoDBClient, kind: TableKind, name: string): Promise<void> {
  const s = (n: string) => ({ AttributeName: n, AttributeType: 'S' as const });
  const shapes: Record<TableKind, Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>> = {
    jobs: { AttributeDefinitions: [s('jobId')], KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }] },
    transcripts: { AttributeDefinitions: [s('key')], KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }] },
    idempotency: { AttributeDefinitions: [s('id')], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] },
    connections: {
      AttributeDefinitions: [s('connectionId'), s('jobId')],
      KeySchema: [
        { AttributeName: 'connectionId', KeyType: 'HASH' },
        { AttributeName: 'jobId', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: CONNECTIONS_BY_JOB,
          KeySchema: [
            { AttributeName: 'jobId', KeyType: 'HASH' },
            { AttributeName: 'connectionId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  };
  await ddb.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...shapes[kind] }));
}

/**
 * The environment a Lambda handler under test reads at import: the AWS SDK pointed at the
 * emulator (AWS_ENDPOINT_URL), test credentials, quiet Powertools logs, plus its own settings.
 */
/** The environment a Lambda or task gets, pointed at the emulator. */
export function emulatorEnv(aws: AwsEmulator): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.config.region,
    AWS_ACCESS_KEY_ID: aws.config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.config.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

export function lambdaEnv(aws: AwsEmulator, own: Record<string, string>): void {
  Object.assign(process.env, { ...emulatorEnv(aws), ...own });
}
