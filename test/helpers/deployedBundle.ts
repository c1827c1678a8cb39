// The Lambda functions the stack deploys, as they are deployed: synthesize the stack once (esbuild
// bundles locally, no Docker), read each function's handler, memory, timeout and literal
// environment from the template, and copy its asset inside the project, where the bundle finds
// the AWS SDK the Lambda runtime provides. `invoke` runs a bundle as the Lambda runtime would:
// its own process, its environment only, the code folder read-only and only /tmp writable, its
// memory (a cgroup) and its timeout. The synth output is deleted at once, the copies by `remove`.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { ClipforgeStack } from '../../infra/clipforgeStack.ts';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';
import type { Synthesized, Template } from './roles.ts';

export interface DeployedFunction {
  /** The function's construct path in the stack, e.g. "Pipeline/Ingest". */
  path: string;
  dir: string;
  /** "index.ingest" */
  handler: string;
  memoryMiB: number;
  timeoutSec: number;
  /** The literal variables the stack sets, with /var/task pointing at `dir`. */
  env: Record<string, string>;
  /** The logical id of its execution role in the template (test/helpers/roles.ts gives its credentials). */
  roleId: string;
}

export interface DeployedFunctions {
  get(path: string): DeployedFunction;
  all(): DeployedFunction[];
  /** The template and construct paths, for the roles' policies. */
  stack: Synthesized;
  /** The task role's logical id of the Fargate task that runs `stage` (its container's command). */
  taskRole(stage: string): string;
  remove(): void;
}

type FunctionResource = {
  Type: string;
  Properties: {
    Handler: string;
    Code: { S3Key?: unknown };
    MemorySize?: number;
    Timeout?: number;
    Environment?: { Variables?: Record<string, unknown> };
    Role: { 'Fn::GetAtt': [string, string] };
  };
};

/** Synthesizes the stack and keeps a copy of every Lambda bundle it built. */
export function deployedFunctions(): DeployedFunctions {
  const outdir = mkdtempSync(join(tmpdir(), 'clipforge-synth-'));
  const base = join(PROJECT_ROOT, '.artifacts', `bundles-${randomBytes(3).toString('hex')}`);
  const functions: DeployedFunction[] = [];
  let template: Template & { Resources: Record<string, FunctionResource> };
  let pathOf = new Map<string, string>();
  try {
    const app = new App({ outdir });
    const stack = new ClipforgeStack(app, 'BundleTest', { env: { account: '123456789012', region: 'us-east-1' } });
    app.synth();
    pathOf = new Map(
      stack.node
        .findAll()
        .filter((c): c is CfnElement => c instanceof CfnElement)
        .map((c) => [stack.resolve(c.logicalId) as string, c.node.path.replace(/^BundleTest\//, '').replace(/\/Resource$/, '')]),
    );
    const paths = new Map(
      stack.node
        .findAll()
        .filter((c): c is CfnFunction => c instanceof CfnFunction)
        .map((c) => [stack.resolve(c.logicalId) as string, pathOf.get(stack.resolve(c.logicalId) as string)!]),
    );
    template = JSON.parse(readFileSync(join(outdir, 'BundleTest.template.json'), 'utf8'));
    for (const [logicalId, r] of Object.entries(template.Resources)) {
      const key = r.Properties?.Code?.S3Key;
      const assetDir = typeof key === 'string' ? `asset.${key.replace(/\.zip$/, '')}` : undefined;
      const path = paths.get(logicalId);
      if (r.Type !== 'AWS::Lambda::Function' || !assetDir || !path || !existsSync(join(outdir, assetDir, 'index.mjs'))) continue;
      const dir = join(base, path.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      cpSync(join(outdir, assetDir), dir, { recursive: true });
      const literal = Object.entries(r.Properties.Environment?.Variables ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
      functions.push({
        path,
        dir,
        handler: r.Properties.Handler,
        memoryMiB: r.Properties.MemorySize ?? 128,
        timeoutSec: r.Properties.Timeout ?? 3,
        env: Object.fromEntries(literal.map(([k, v]) => [k, v.replaceAll('/var/task', dir)])),
        roleId: r.Properties.Role['Fn::GetAtt'][0],
      });
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return {
    get(path) {
      const fn = functions.find((f) => f.path === path);
      if (!fn) throw new Error(`no deployed function ${path} (have ${functions.map((f) => f.path).join(', ')})`);
      return fn;
    },
    all: () => functions,
    stack: { template, pathOf: (id) => pathOf.get(id) },
    taskRole(stage) {
      const def = Object.values(template.Resources).find(
        (r) => r.Type === 'AWS::ECS::TaskDefinition' && (r.Properties as any).ContainerDefinitions?.[0]?.Command?.[0] === stage,
      );
      if (!def) throw new Error(`no task definition runs ${stage}`);
      return (def.Properties as any).TaskRoleArn['Fn::GetAtt'][0];
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** `segments`: what the function sent to the X-Ray daemon (its subsegments; Lambda sends the facade segment itself). */
export type Invocation = ({ ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string }) & { stderr: string; segments: XraySegment[] };
export type XraySegment = {
  name: string;
  error?: boolean;
  fault?: boolean;
  annotations?: Record<string, unknown>;
  subsegments?: XraySegment[];
  namespace?: string;
};

/** A stand-in X-Ray daemon: a UDP socket that collects what the function's tracer sends. */
async function xrayDaemon(): Promise<{ address: string; segments: XraySegment[]; close(): void }> {
  const socket = createSocket('udp4');
  const segments: XraySegment[] = [];
  // Each datagram: a JSON header line, then one (sub)segment document.
  socket.on('message', (msg) => {
    const doc = msg.toString('utf8').split('\n').slice(1).join('\n');
    try {
      segments.push(JSON.parse(doc) as XraySegment);
    } catch {
      // not a segment
    }
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { address: `127.0.0.1:${socket.address().port}`, segments, close: () => socket.close() };
}

/** A trace header as Lambda sets it for an invocation of a function with active tracing. */
const traceHeader = () =>
  `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;

const RUNNER = join(PROJECT_ROOT, 'test', 'helpers', 'lambdaRunner.mjs');

/** The memory cgroup (v1) this process is in, where the machine lets us make child groups. */
function memoryCgroup(): string | undefined {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => /^\d+:memory:/.test(l));
    const dir = line && join('/sys/fs/cgroup/memory', line.split(':')[2]!);
    return dir && existsSync(join(dir, 'cgroup.procs')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Invokes `fn` with `event` as the Lambda runtime would, with `env` (the emulator, resource names)
 * added to the function's own. Errors come back as the runtime reports them: errorType is the name.
 */
export async function invoke(fn: DeployedFunction, event: unknown, env: Record<string, string>): Promise<Invocation> {
  const cgroupParent = memoryCgroup();
  let cgroup: string | undefined;
  if (cgroupParent) {
    try {
      cgroup = join(cgroupParent, `clipforge-lambda-${randomUUID().slice(0, 8)}`);
      mkdirSync(cgroup);
      writeFileSync(join(cgroup, 'memory.limit_in_bytes'), String(fn.memoryMiB * 1024 * 1024));
    } catch {
      cgroup = undefined;
    }
  }
  const [file, exportName] = [join(fn.dir, `${fn.handler.split('.')[0]}.mjs`), fn.handler.split('.')[1]!];
  // The code (bundle and the runtime's SDK in node_modules) read-only, as /var/task and /var/runtime are.
  const script = [
    cgroup ? `echo $$ > '${cgroup}/cgroup.procs'` : ':',
    `mount --bind -o ro '${PROJECT_ROOT}' '${PROJECT_ROOT}'`,
    `exec '${process.execPath}' '${RUNNER}' '${file}' '${exportName}'`,
  ].join(' && ');
  const daemon = await xrayDaemon();
  const child = spawn('unshare', ['-m', 'sh', '-c', script], {
    cwd: fn.dir,
    env: {
      PATH: process.env.PATH!,
      TMPDIR: '/tmp',
      // What the Lambda runtime sets: the tracer turns on as it does there (active tracing).
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      _X_AMZN_TRACE_ID: traceHeader(),
      AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      LAMBDA_TASK_ROOT: fn.dir,
      AWS_LAMBDA_FUNCTION_NAME: fn.path,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMiB),
      LAMBDA_TIMEOUT_MS: String(fn.timeoutSec * 1000),
      ...fn.env,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let answer = '';
  child.stdout!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => (answer += c.toString()));
  child.stdin!.end(JSON.stringify(event));
  const killer = setTimeout(() => child.kill('SIGKILL'), fn.timeoutSec * 1000);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  clearTimeout(killer);
  if (cgroup) rmSync(cgroup, { recursive: true, force: true });
  await new Promise((r) => setTimeout(r, 50)); // the last datagrams
  daemon.close();
  const segments = daemon.segments;
  if (!answer)
    return { ok: false, errorType: 'Runtime.ExitError', errorMessage: `exited with ${code} without an answer: ${stderr.slice(-2000)}`, stderr, segments };
  const parsed = JSON.parse(answer) as { result?: unknown; errorType?: string; errorMessage?: string };
  return parsed.errorType
    ? { ok: false, errorType: parsed.errorType, errorMessage: parsed.errorMessage ?? '', stderr, segments }
    : { ok: true, result: parsed.result, stderr, segments };
}

/** `invoke` that returns the result, or throws the error as the state machine would see it (name = errorType). */
export async function call(fn: DeployedFunction, event: unknown, env: Record<string, string>): Promise<any> {
  const res = await invoke(fn, event, env);
  if (res.ok) return res.result;
  throw Object.assign(new Error(res.errorMessage), { name: res.errorType });
}

export const bundleFiles = (fn: DeployedFunction, sub = ''): string[] => readdirSync(join(fn.dir, sub)).sort();

/** The state machine's name in the synthesized stack (BundleTest): the roles' grants name it, so the emulator's has it too. */
export const DEPLOYED_PIPELINE = 'BundleTest-pipeline';
