// The resource half of IAM for the services moto checks by action only (DynamoDB, Step Functions,
// Secrets Manager): a loopback proxy in front of the emulator that reads each call's target from
// the request (a table and its index, a state machine or execution, a secret) and holds it against
// the statements of the role whose temporary key signed it (test/helpers/roles.ts). A call the
// role does not grant on that resource is answered AccessDeniedException, as AWS answers it; every
// other request goes to the emulator byte for byte (its signature covers the Host header, which
// is kept). S3 and SQS resources moto checks itself.
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
}

export interface IamProxy {
  /** Where the role's code is pointed (AWS_ENDPOINT_URL). */
  endpoint: string;
  /** The statements that apply to calls signed by `accessKeyId`. */
  register(accessKeyId: string, statements: Statement[]): void;
  /** Calls refused so far: "dynamodb:GetItem on arn:…". */
  denied: string[];
  close(): Promise<void>;
}

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );

function allows(statements: Statement[], action: string, resource: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' && [s.Action].flat().some((a) => wildcard(a).test(action)) && [s.Resource ?? '*'].flat().some((r) => wildcard(r).test(resource)),
  );
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** The action and the resources a JSON-protocol call names, for the services checked here. */
export function targetsOf(target: string, body: Record<string, any>): { action: string; resources: string[] } | undefined {
  const [prefix, op] = target.split('.');
  if (!op) return undefined;
  if (prefix!.startsWith('DynamoDB_')) {
    const table = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    const tables: string[] = body.TableName ? [body.TableName] : Object.keys(body.RequestItems ?? {});
    const resources = tables.map((t) => (body.IndexName ? `${table(t)}/index/${body.IndexName}` : table(t)));
    return { action: `dynamodb:${op}`, resources };
  }
  if (prefix === 'AWSStepFunctions') {
    // Task-token answers name no resource (their policy is "*"); the rest name a machine or an execution.
    const arn = body.stateMachineArn ?? body.executionArn;
    return { action: `states:${op}`, resources: arn ? [arn] : ['*'] };
  }
  if (prefix === 'secretsmanager') {
    const id = String(body.SecretId ?? '*');
    return { action: `secretsmanager:${op}`, resources: [id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}`] };
  }
  return undefined;
}

export async function startIamProxy(emulator: string): Promise<IamProxy> {
  const upstream = new URL(emulator);
  const roles = new Map<string, Statement[]>();
  const denied: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const statements = key ? roles.get(key) : undefined;
      const target = String(req.headers['x-amz-target'] ?? '');
      if (statements && target) {
        let parsed: Record<string, any> = {};
        try {
          parsed = JSON.parse(body.toString('utf8') || '{}');
        } catch {
          // not JSON: nothing to read a resource from
        }
        const call = targetsOf(target, parsed);
        const refused = call?.resources.find((r) => !allows(statements, call.action, r));
        if (call && refused !== undefined) {
          denied.push(`${call.action} on ${refused}`);
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'AccessDeniedException', message: `User is not authorized to perform: ${call.action} on resource: ${refused}` }));
          return;
        }
      }
      const out = request(
        {
          host: upstream.hostname === 'localhost' ? '127.0.0.1' : upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', (err) => res.writeHead(502).end(String(err)));
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Never what keeps a test process alive.
  server.unref();
  return {
    // By host name, as the emulator itself is reached (virtual-hosted buckets: bucket.localhost:port).
    endpoint: `http://localhost:${(server.address() as AddressInfo).port}`,
    register: (accessKeyId, statements) => roles.set(accessKeyId, statements),
    denied,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
