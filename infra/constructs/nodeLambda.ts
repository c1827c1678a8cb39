// A Node Lambda bundled locally by esbuild (no Docker), with its own log group and a role that
// may write only to it. Stages that run FFmpeg get static Linux x86_64 ffmpeg and ffprobe (one
// release, 7.0.2, from a hash-checked PyPI wheel) copied into their bundle by
// scripts/lambda-ffmpeg.mjs, which works from any host OS. Those
// builds crash on any host-name lookup, so their URLs go through a loopback proxy in the
// function (src/media/loopbackProxy.ts, switched on by CLIPFORGE_FFMPEG_PROXY).
import { Duration, Size } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { logGroup } from './logGroup.ts';
import { acknowledgeWildcardResources } from '../nag.ts';

// The newest Node runtime Lambda offers (cdk-nag's L1 asks for the latest); the code targets Node 22+.
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
const ROOT = join(import.meta.dirname, '..', '..');

const FFMPEG_SCRIPT = join(ROOT, 'scripts', 'lambda-ffmpeg.mjs');

export interface NodeLambdaOptions {
  /** The export to call (default "handler"). */
  handler?: string;
  timeout?: Duration;
  memoryMiB?: number;
  /** /tmp size (default 512 MiB). */
  tmpGiB?: number;
  /** Bundle ffmpeg and ffprobe into the function (at bin/), for stages that read media. */
  ffmpeg?: boolean;
}

export function nodeLambda(scope: Construct, id: string, entry: string, environment: Record<string, string>, opts: NodeLambdaOptions = {}): NodejsFunction {
  const logs = logGroup(scope, `${id}Logs`);
  // An explicit role with only its own log group, instead of the AWS managed basic-execution policy.
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logs.logGroupArn] }));
  // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which take no
  // resource-level permissions (the X-Ray service authorization reference): `*` is their only form.
  acknowledgeWildcardResources(role, ['*'], 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions');
  return new NodejsFunction(scope, id, {
    entry: join(ROOT, entry),
    handler: opts.handler ?? 'handler',
    runtime: LAMBDA_RUNTIME,
    // The bundled static FFmpeg build is x86_64; the other functions run on cheaper Graviton.
    architecture: opts.ffmpeg ? Architecture.X86_64 : Architecture.ARM_64,
    memorySize: opts.memoryMiB ?? 512,
    ...(opts.tmpGiB ? { ephemeralStorageSize: Size.gibibytes(opts.tmpGiB) } : {}),
    timeout: opts.timeout ?? Duration.seconds(60),
    role,
    logGroup: logs,
    // X-Ray: each invocation and its AWS calls join the execution's trace (src/aws/lambdaTools.ts).
    tracing: Tracing.ACTIVE,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'clipforge',
      ...(opts.ffmpeg ? { CLIPFORGE_FFMPEG: '/var/task/bin/ffmpeg', CLIPFORGE_FFPROBE: '/var/task/bin/ffprobe', CLIPFORGE_FFMPEG_PROXY: 'loopback' } : {}),
      ...environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      sourceMap: true,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
      ...(opts.ffmpeg
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_in: string, out: string) => [`node "${FFMPEG_SCRIPT}" "${out}"`],
            },
          }
        : {}),
    },
  });
}
