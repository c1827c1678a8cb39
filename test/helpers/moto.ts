// moto's AWS emulator server on loopback, for the AWS adapters' tests: the real AWS SDK clients
// talk HTTP to it. Set CLIPFORGE_AWS_ENDPOINT to run the same tests against LocalStack instead.
// IAM is enforced, as the cloud enforces it: once the emulator is up, every request must be signed
// by a known key and its action allowed by that identity's policies. The tests themselves act as
// an administrator; the deployed bundles and tasks act with their own roles' policies
// (test/helpers/roles.ts), so a grant the stack forgot fails a test as it would fail a job.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CONNECTIONS_BY_JOB } from '../../infra/constructs/tables.ts';
import { JOBS_BY_OWNER } from '../../src/adapters/aws/dynamoJobRepository.ts';
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

const settings = (endpoint: string, credentials = { accessKeyId: 'test', secretAccessKey: 'test' }): AwsEmulator['config'] => ({
  endpoint,
  region: 'us-east-1',
  credentials,
  // Virtual-hosted bucket addresses (bucket.localhost:port), as the SDK makes them for real
  // buckets; *.localhost resolves through the system's resolver (libnss-myhostname, setup --tests).
  forcePathStyle: false,
});

export async function startAwsEmulator(): Promise<AwsEmulator> {
  const given = process.env.CLIPFORGE_AWS_ENDPOINT;
  if (given) return { endpoint: given, config: settings(given), stop: async () => undefined };
  const port = await freePort();
  const child: ChildProcess = spawn(projectPython(), [join(import.meta.dirname, 'moto_server.py'), '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (process.env.MOTO_DEBUG) child.stderr!.pipe(process.stderr);
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
    config: settings(endpoint, await enforceIam(endpoint)),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/**
 * Makes an administrator (the tests' own identity) while requests are still unauthenticated, then
 * turns moto's enforcement on (INITIAL_NO_AUTH_ACTION_COUNT through its reset-auth endpoint, 0:
 * from the next request on). moto checks the action of every call; the resource it checks for S3
 * and SQS (for other services it has none to check: roles.ts says what that means).
 */
/** The IAM user the tests act as (an administrator); the roles trust it to assume them. */
export const TEST_ADMIN = 'clipforge-tests';

async function enforceIam(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const iam = new IAMClient(settings(endpoint));
  try {
    await iam.send(new CreateUserCommand({ UserName: TEST_ADMIN }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: TEST_ADMIN, PolicyName: 'admin', PolicyDocument: JSON.stringify(policy) }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: TEST_ADMIN }));
    const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    if (!res.ok) throw new Error(`moto did not turn IAM enforcement on: ${res.status}`);
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  } finally {
    iam.destroy();
  }
}

/** The stack's tables (infra/constructs/tables.ts), made in the emulator under a given name. */
export type TableKind = 'jobs' | 'connections' | 'transcripts' | 'idempotency';

export async function createTable(ddb: DynamoDBClient, kind: TableKind, name: string): Promise<void> {
  const s = (n: string) => ({ AttributeName: n, AttributeType: 'S' as const });
  const shapes: Record<TableKind, Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>> = {
    jobs: {
      AttributeDefinitions: [s('jobId'), s('owner'), s('createdAt')],
      KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: JOBS_BY_OWNER,
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
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
