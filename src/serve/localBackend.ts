// The jobs API on one machine: uploads land in the data folder, jobs go to the local queue,
// clips are served from each job's output folder.
import type { Caller } from '../api/caller.ts';
import { basename, join } from 'node:path';
import { IDEMPOTENCY_TTL_SEC, requestFingerprint, reusedKey } from '../api/idempotency.ts';
import type { JobsBackend } from '../api/routes.ts';
import type { CreateJob, CreateUpload, JobDetail, JobSource, JobSummary, RenderState, TranscriptView, UploadTicket } from '../api/schemas.ts';
import { ApiError } from '../api/apiError.ts';
import { Readable } from 'node:stream';
import type { ClipEdit, NewClip } from '../editing/editSchemas.ts';
import { zipEntries, zipStream } from '../jobs/clipsZip.ts';
import type { ClipEditor } from './clipEditor.ts';
import { removeJob } from './retention.ts';
import { isOpen } from '../jobs/status.ts';
import { newJobId } from '../core/jobId.ts';
import type { JobQueue, LocalJob } from './jobQueue.ts';
import { newUploadId } from '../core/jobId.ts';
import { summary } from '../jobs/summary.ts';
import { sourceName } from '../jobs/sourceName.ts';
import { resolveJobSource } from './jobSources.ts';
import { checkPathSources, checkUploadSize } from '../jobs/requestRules.ts';

export interface LocalBackendOptions {
  dataDir: string;
  maxUploadBytes: number;
  /** Whether jobs may name a file on this machine ({path}). */
  allowPaths: boolean;
  /** A link's path with what authorises it (a signature, never the token). */
  signLink: (path: string) => string;
  /**
   * The most clips a job may track and render at once: the server's own --concurrency, so a
   * client's options (up to 16) never multiply the work the operator allowed.
   */
  maxClipConcurrency: number;
}

export class LocalBackend implements JobsBackend {
  constructor(
    private readonly queue: JobQueue,
    private readonly opts: LocalBackendOptions,
    private readonly editor: ClipEditor,
  ) {}

  uploadPath(id: string): string {
    return join(this.opts.dataDir, 'uploads', id);
  }

  async createUpload(req: CreateUpload, origin: string): Promise<UploadTicket> {
    checkUploadSize(req, this.opts.maxUploadBytes);
    const id = newUploadId();
    this.queue.store.insertUpload({ id, filename: basename(req.filename), size: req.size, contentType: req.contentType, path: this.uploadPath(id) });
    return {
      uploadId: id,
      uploadUrl: `${origin}${this.opts.signLink(`/uploads/${id}`)}`,
      method: 'PUT',
      maxBytes: this.opts.maxUploadBytes,
      expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
    };
  }

  private nameOf(s: JobSource): string {
    if ('uploadId' in s) return this.queue.store.upload(s.uploadId)?.filename ?? s.uploadId;
    if ('url' in s) return sourceName(s.url);
    return basename(s.path);
  }

  // serve has one caller (whoever holds its token): every job is theirs.
  async createJob(req: CreateJob, _caller: Caller, idempotencyKey?: string): Promise<JobSummary> {
    checkPathSources(req, this.opts.allowPaths, 'off loopback (only when serving on loopback)');
    // Looked up and recorded with no await between: one process, so no two requests interleave.
    const fingerprint = requestFingerprint(req);
    const prior = idempotencyKey ? this.queue.store.idempotent(idempotencyKey, IDEMPOTENCY_TTL_SEC) : undefined;
    const earlier = prior && (await this.queue.store.jobs.get(prior.jobId));
    if (prior && earlier) {
      if (prior.fingerprint !== fingerprint) throw reusedKey(idempotencyKey!);
      return summary(earlier);
    }
    resolveJobSource(this.queue.store, req.source); // refuse unknown uploads now, not when the job starts
    if (req.captions) resolveJobSource(this.queue.store, req.captions);
    const job = await this.queue.submit({
      jobId: newJobId(),
      name: this.nameOf(req.source),
      source: req.source,
      captions: req.captions ?? null,
      options: { ...(req.options ?? {}), concurrency: Math.min(req.options?.concurrency ?? this.opts.maxClipConcurrency, this.opts.maxClipConcurrency) },
    });
    if (idempotencyKey) this.queue.store.rememberIdempotent(idempotencyKey, fingerprint, job.jobId);
    return summary(job);
  }

  async listJobs(): Promise<JobSummary[]> {
    return (await this.queue.store.jobs.list()).map(summary);
  }

  async getJob(id: string, origin: string): Promise<JobDetail | undefined> {
    const job = await this.queue.store.jobs.get(id);
    return job && this.detail(job, origin);
  }

  detail(job: LocalJob, origin: string): JobDetail {
    const link = (file: string) => `${origin}${this.opts.signLink(`/jobs/${job.jobId}/files/${encodeURIComponent(file)}`)}`;
    return {
      ...summary(job),
      stages: job.stages,
      manifest: job.manifest,
      clips: (job.manifest?.clips ?? []).map((c) => ({
        ...c,
        urls: { video: link(c.file), srt: link(c.srt), vtt: link(c.vtt), thumbnail: link(c.thumbnail) },
      })),
      edits: this.editor.of(job.jobId),
      ...(job.status === 'done' ? { downloads: { zip: `${origin}${this.opts.signLink(`/jobs/${job.jobId}/clips.zip`)}` } } : {}),
    };
  }

  async transcript(id: string): Promise<TranscriptView | undefined> {
    return this.editor.transcript(id);
  }

  async editClip(id: string, rank: number, edit: ClipEdit): Promise<RenderState | undefined> {
    return this.editor.edit(id, rank, edit);
  }

  async addClip(id: string, req: NewClip): Promise<RenderState | undefined> {
    return this.editor.add(id, req);
  }

  async clipsZip(id: string): Promise<Response | undefined> {
    const job = await this.queue.store.jobs.get(id);
    if (!job) return undefined;
    if (job.status !== 'done' || !job.manifest) throw new ApiError(409, `job ${id} is ${job.status}: its clips can be downloaded once it is done`);
    const dir = this.queue.outDir(id);
    const zip = zipStream(zipEntries(job.manifest).map((name) => ({ name, path: join(dir, name) })));
    return new Response(Readable.toWeb(zip) as ReadableStream, {
      headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="clips-${id}.zip"`, 'cache-control': 'no-store' },
    });
  }

  /** An open job is cancelled; an ended one is deleted with everything it kept (src/serve/retention.ts). */
  async cancelJob(id: string): Promise<JobSummary | undefined> {
    const before = await this.queue.store.jobs.get(id);
    if (before && !isOpen(before.status)) {
      const rendering = this.editor.of(id).some((r) => r.status === 'running');
      await removeJob(this.queue, id, rendering ? `a clip of job ${id} is being re-rendered; delete the job when that is done` : undefined);
      return { ...summary(before), message: 'deleted' };
    }
    const job = await this.queue.cancel(id);
    return job && summary(job);
  }
}
