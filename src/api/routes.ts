// The jobs API's routes, on Hono: the same app serves `clipforge serve` (Node) and can be mounted
// by the AWS HTTP API's Lambda. Only the backend differs. Bodies are validated with the shared
// zod schemas; every error is JSON `{ error }` with a status that says what kind it is.
import { type Context as HonoContext, Hono } from 'hono';
import { type Caller, LOCAL_CALLER } from './caller.ts';
import type { z } from 'zod';
import { ApiError } from './apiError.ts';
import { idempotencyKey } from './idempotency.ts';
import {
  CreateJobSchema,
  CreateUploadSchema,
  type CreateJob,
  type CreateUpload,
  type JobDetail,
  type JobSummary,
  type RenderState,
  type TranscriptView,
  type UploadTicket,
} from './schemas.ts';
import { type ClipEdit, ClipEditSchema, type NewClip, NewClipSchema } from '../editing/editSchemas.ts';
import { issuesText } from '../core/zodIssues.ts';

/** `caller`: who asks (src/api/caller.ts); a job another caller owns is "no such job" to them. */
export interface JobsBackend {
  createUpload(req: CreateUpload, origin: string): Promise<UploadTicket>;
  /** With an idempotency key, a repeat of an earlier request returns that request's job. */
  createJob(req: CreateJob, caller: Caller, idempotencyKey?: string): Promise<JobSummary>;
  listJobs(caller: Caller): Promise<JobSummary[]>;
  getJob(id: string, origin: string, caller: Caller): Promise<JobDetail | undefined>;
  cancelJob(id: string, caller: Caller): Promise<JobSummary | undefined>;
  // Editing (src/editing/), the same on both runtimes. Undefined: no such job.
  transcript(id: string, caller: Caller): Promise<TranscriptView | undefined>;
  editClip(id: string, rank: number, edit: ClipEdit, caller: Caller): Promise<RenderState | undefined>;
  addClip(id: string, req: NewClip, caller: Caller): Promise<RenderState | undefined>;
  /** The job's clips as one ZIP, streamed. */
  clipsZip(id: string, caller: Caller): Promise<Response | undefined>;
}

/** A clip number in a path: 1, 2, 3… */
function rankOf(raw: string): number {
  if (!/^[1-9][0-9]{0,3}$/.test(raw)) throw new ApiError(400, `clip number must be a whole number from 1, got "${raw.slice(0, 20)}"`);
  return Number(raw);
}

/** A job or upload request is a few hundred bytes; 64 KiB leaves room and keeps a flood out of memory. */
export const MAX_JSON_BYTES = 64 * 1024;

/** A JSON body (at most 64 KiB) must arrive within this: a slow one was held forever. */
export const JSON_BODY_TIMEOUT_MS = 20_000;

/** The body, read only up to the cap and only for so long. */
async function text(req: Request): Promise<string> {
  if (Number(req.headers.get('content-length') ?? 0) > MAX_JSON_BYTES) throw new ApiError(413, `the body is over ${MAX_JSON_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (req.body ?? new ReadableStream<Uint8Array>()).getReader();
  // The timer itself says it fired: a wall-clock check after it (as before) could read 19,999 ms
  // when the monotonic timer had fired, and the cut-off body then went on as bad JSON (400).
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel().catch(() => undefined);
  }, JSON_BODY_TIMEOUT_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_JSON_BYTES) throw new ApiError(413, `the body is over ${MAX_JSON_BYTES} bytes`);
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new ApiError(408, `the body did not arrive within ${JSON_BODY_TIMEOUT_MS / 1000} s`);
  return Buffer.concat(chunks).toString('utf8');
}

async function body<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  // Only application/json: a form or text/plain body is what any web page can send across sites
  // without asking (a CORS "simple request"), so it is never taken as a request.
  if (!/^application\/json\s*(;|$)/i.test(req.headers.get('content-type') ?? '')) {
    throw new ApiError(415, 'send the body as JSON with Content-Type: application/json');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await text(req));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, 'the body must be JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiError(400, issuesText(parsed.error));
  }
  return parsed.data;
}

export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (err.retryAfterSec !== undefined) headers['retry-after'] = String(err.retryAfterSec);
    return new Response(JSON.stringify({ error: err.message }), { status: err.status, headers });
  }
  return new Response(JSON.stringify({ error: 'internal error' }), { status: 500, headers: { 'content-type': 'application/json' } });
}

const notFound = (id: string) => new ApiError(404, `no job ${id}`);

/** `who`: the caller of a request (AWS: its IAM identity); serve's one caller when not given. */
export function jobsApi<E extends object>(backend: JobsBackend, who: (c: HonoContext<E>) => Caller = () => LOCAL_CALLER): Hono<E> {
  const app = new Hono<E>();
  app.post('/uploads', async (c) => c.json(await backend.createUpload(await body(c.req.raw, CreateUploadSchema), new URL(c.req.url).origin), 201));
  app.post('/jobs', async (c) => {
    const req = await body(c.req.raw, CreateJobSchema);
    return c.json(await backend.createJob(req, who(c), idempotencyKey(c.req.header('idempotency-key'))), 202);
  });
  app.get('/jobs', async (c) => c.json({ jobs: await backend.listJobs(who(c)) }));
  app.get('/jobs/:id', async (c) => {
    const job = await backend.getJob(c.req.param('id'), new URL(c.req.url).origin, who(c));
    if (!job) throw notFound(c.req.param('id'));
    return c.json(job);
  });
  app.delete('/jobs/:id', async (c) => {
    const job = await backend.cancelJob(c.req.param('id'), who(c));
    if (!job) throw notFound(c.req.param('id'));
    return c.json(job);
  });
  app.get('/jobs/:id/transcript', async (c) => {
    const t = await backend.transcript(c.req.param('id'), who(c));
    if (!t) throw notFound(c.req.param('id'));
    return c.json(t);
  });
  app.patch('/jobs/:id/clips/:rank', async (c) => {
    const rank = rankOf(c.req.param('rank'));
    const r = await backend.editClip(c.req.param('id'), rank, await body(c.req.raw, ClipEditSchema), who(c));
    if (!r) throw notFound(c.req.param('id'));
    return c.json(r, 202);
  });
  app.post('/jobs/:id/clips', async (c) => {
    const r = await backend.addClip(c.req.param('id'), await body(c.req.raw, NewClipSchema), who(c));
    if (!r) throw notFound(c.req.param('id'));
    return c.json(r, 202);
  });
  app.get('/jobs/:id/clips.zip', async (c) => {
    const res = await backend.clipsZip(c.req.param('id'), who(c));
    if (!res) throw notFound(c.req.param('id'));
    return res;
  });
  return app;
}
