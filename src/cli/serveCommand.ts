// `clipforge serve`: runs until SIGINT/SIGTERM; running jobs are then left for the next start to
// retry (the store remembers them).
import { stripControls } from '../core/controlChars.ts';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isLoopback, startServer } from '../serve/server.ts';
import { DataFolderBusy } from '../serve/dataLock.ts';
import { lineProgress } from './progressDisplay.ts';
import { UsageError } from './usageError.ts';
import { issuesText } from '../core/zodIssues.ts';
import { JOB_HEAP_MB } from '../runtime/local/jobProcess.ts';

export const SERVE_USAGE = `usage: clipforge serve [--port 8787] [--host 127.0.0.1] [--data DIR] [--inbox DIR]
                       [--concurrency 2] [--backlog 20] [--token TOKEN] [--max-upload-mb 8192]
                       [--public-host NAME ...] [--allow-private-urls] [--keep-days 30]
                       [--job-memory-mb 1536]

Each job runs in a process of its own, its memory capped at --job-memory-mb: a job that needs
more fails with the reason, and the server and its other jobs go on.

A finished job (its clips, transcript and source, for editing) is kept until it is deleted
(DELETE /jobs/{id}, or Delete on the page) or --keep-days after its last change.`;

const ServeArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  host: z.string().min(1).default('127.0.0.1'),
  data: z.string().default('clipforge-data'),
  inbox: z.string().optional(),
  concurrency: z.coerce.number().int().min(1).max(16).default(2),
  backlog: z.coerce.number().int().min(1).max(10_000).default(20),
  // Letters, digits and - _ . ~: it travels in an Authorization header and as a WebSocket subprotocol.
  token: z
    .string()
    .min(16, 'the token must be at least 16 characters')
    .regex(/^[A-Za-z0-9._~-]+$/, 'the token may hold letters, digits and - _ . ~ only (openssl rand -hex 24 makes one)')
    .optional(),
  'max-upload-mb': z.coerce.number().positive().default(8192),
  'public-host': z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name, like clips.example.com')).default([]),
  'allow-private-urls': z.boolean().default(false),
  'keep-days': z.coerce.number().positive().max(36_500).default(30),
  'job-memory-mb': z.coerce.number().int().min(32).max(65_536).default(JOB_HEAP_MB),
});

/** What went wrong at start-up, in the words of the options (no stack trace for a busy port or a bad folder). */
function startupError(err: unknown, a: { port: number; host: string; data: string }): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof DataFolderBusy) return new UsageError(e.message);
  if (e.code === 'EADDRINUSE') return new UsageError(`port ${a.port} on ${a.host} is already in use (another clipforge serve?); choose another --port`);
  if (e.code === 'EACCES' && e.syscall === 'listen') return new UsageError(`not allowed to listen on port ${a.port}; choose a port above 1023`);
  if (e.code === 'EADDRNOTAVAIL') return new UsageError(`--host ${a.host} is not an address of this machine`);
  if (e.code === 'ENOTDIR' || e.code === 'EEXIST') return new UsageError(`--data ${a.data} is not a folder`);
  if (/not a database|malformed|SQLITE/i.test(e.message ?? ''))
    return new UsageError(`the job store in --data ${a.data} cannot be opened (${e.message}); move clipforge.db aside to start afresh`);
  return err;
}

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        inbox: { type: 'string' },
        concurrency: { type: 'string' },
        backlog: { type: 'string' },
        token: { type: 'string' },
        'max-upload-mb': { type: 'string' },
        'public-host': { type: 'string', multiple: true },
        'allow-private-urls': { type: 'boolean' },
        'keep-days': { type: 'string' },
        'job-memory-mb': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${SERVE_USAGE}`);
  }
  const parsed = ServeArgsSchema.safeParse({ ...values, token: values.token ?? process.env.CLIPFORGE_TOKEN });
  if (!parsed.success) throw new UsageError(issuesText(parsed.error, '--'));
  const a = parsed.data;
  // Off loopback, the API is never open: a token is made up when none is given.
  const token = a.token ?? (isLoopback(a.host) ? undefined : randomBytes(24).toString('base64url'));
  const log = lineProgress();
  const server = await startServer({
    port: a.port,
    host: a.host,
    dataDir: resolve(a.data),
    inboxDir: a.inbox ? resolve(a.inbox) : undefined,
    concurrency: a.concurrency,
    backlog: a.backlog,
    token,
    maxUploadBytes: Math.round(a['max-upload-mb'] * 1024 * 1024),
    publicHosts: a['public-host'],
    allowPrivateUrls: a['allow-private-urls'],
    keepDays: a['keep-days'],
    jobMemoryMb: a['job-memory-mb'],
    log,
  }).catch((err: unknown) => {
    throw startupError(err, a);
  });
  server.queue.on('event', (e) => {
    if (e.type === 'queued') log.info(`job ${e.jobId} queued`);
    if (e.type === 'done') log.info(`job ${e.jobId} done: ${e.manifest.clips.length} clips`);
    if (e.type === 'failed') log.warn(`job ${e.jobId} failed: ${stripControls(e.error)}`);
    if (e.type === 'cancelled') log.info(`job ${e.jobId} cancelled`);
  });
  // A token the user gave is theirs already: it is never printed (terminals and logs keep what they show).
  const page = token && !a.token ? `${server.url}/#token=${token}` : server.url;
  process.stdout.write(`clipforge serving on ${server.url}  (web page: ${page})\n`);
  if (token && !a.token) process.stdout.write(`access token (not on loopback, so required): ${token}\n`);
  if (a.inbox) process.stdout.write(`watching ${resolve(a.inbox)} for videos\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping; running jobs will be retried on the next start\n');
  await server.close();
  return 0;
}
