// Jobs, uploads and inbox files of `clipforge serve`, in one SQLite file so nothing is lost on a
// restart. Synchronous node:sqlite calls: each is a few microseconds, well under a request's budget.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { JobSource, JobStatus, JobSummary } from '../api/schemas.ts';
import type { JobOptions, Manifest } from '../core/schemas.ts';

export interface JobRow {
  id: string;
  status: JobStatus;
  name: string;
  source: JobSource;
  captions: JobSource | null;
  options: Partial<JobOptions>;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  stage: string | null;
  pct: number;
  message: string | null;
  error: string | null;
  stages: Record<string, { pct: number; message: string }>;
  manifest: Manifest | null;
}

export interface UploadRow {
  id: string;
  filename: string;
  size: number;
  contentType: string;
  path: string;
  createdAt: string;
  received: boolean;
}

type Raw = Record<string, string | number | null>;

export class JobStore {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, captions TEXT,
        options TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        stage TEXT, pct REAL NOT NULL DEFAULT 0, message TEXT, error TEXT, stages TEXT NOT NULL DEFAULT '{}', manifest TEXT);
      CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
      CREATE TABLE IF NOT EXISTS uploads (
        id TEXT PRIMARY KEY, filename TEXT NOT NULL, size INTEGER NOT NULL, content_type TEXT NOT NULL,
        path TEXT NOT NULL, created_at TEXT NOT NULL, received INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS inbox (key TEXT PRIMARY KEY, job_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, job_id TEXT NOT NULL, created_at TEXT NOT NULL);
    `);
  }

  insertJob(j: Pick<JobRow, 'id' | 'name' | 'source' | 'captions' | 'options'>): JobRow {
    const now = new Date().toISOString();
    this.db
      .prepare('INSERT INTO jobs (id, status, name, source, captions, options, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(j.id, 'queued', j.name, JSON.stringify(j.source), j.captions ? JSON.stringify(j.captions) : null, JSON.stringify(j.options), now, now);
    return this.job(j.id)!;
  }

  /** The job an Idempotency-Key made within `ttlSec`, with the fingerprint of its request. */
  idempotent(key: string, ttlSec: number): { fingerprint: string; jobId: string } | undefined {
    const since = new Date(Date.now() - ttlSec * 1000).toISOString();
    const r = this.db.prepare('SELECT fingerprint, job_id FROM idempotency WHERE key = ? AND created_at > ?').get(key, since) as { fingerprint: string; job_id: string } | undefined;
    return r && { fingerprint: r.fingerprint, jobId: r.job_id };
  }

  rememberIdempotent(key: string, fingerprint: string, jobId: string): void {
    this.db.prepare('INSERT OR REPLACE INTO idempotency (key, fingerprint, job_id, created_at) VALUES (?, ?, ?, ?)').run(key, fingerprint, jobId, new Date().toISOString());
  }

  job(id: string): JobRow | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Raw | undefined;
    return row && toJob(row);
  }

  jobs(limit = 200): JobRow[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?').all(limit) as Raw[]).map(toJob);
  }

  byStatus(status: JobStatus): JobRow[] {
    return (this.db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY created_at').all(status) as Raw[]).map(toJob);
  }

  count(status: JobStatus): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE status = ?').get(status) as { n: number }).n);
  }

  update(id: string, patch: Partial<Pick<JobRow, 'status' | 'attempts' | 'stage' | 'pct' | 'message' | 'error' | 'stages' | 'manifest'>>): void {
    const cols: string[] = [];
    const vals: Array<string | number | null> = [];
    for (const [k, v] of Object.entries(patch)) {
      cols.push(`${k} = ?`);
      vals.push(k === 'stages' || k === 'manifest' ? (v === null ? null : JSON.stringify(v)) : (v as string | number | null));
    }
    cols.push('updated_at = ?');
    vals.push(new Date().toISOString());
    this.db.prepare(`UPDATE jobs SET ${cols.join(', ')} WHERE id = ?`).run(...vals, id);
  }

  insertUpload(u: Omit<UploadRow, 'createdAt' | 'received'>): UploadRow {
    this.db.prepare('INSERT INTO uploads (id, filename, size, content_type, path, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(u.id, u.filename, u.size, u.contentType, u.path, new Date().toISOString());
    return this.upload(u.id)!;
  }

  upload(id: string): UploadRow | undefined {
    const r = this.db.prepare('SELECT * FROM uploads WHERE id = ?').get(id) as Raw | undefined;
    if (!r) return undefined;
    return { id: String(r.id), filename: String(r.filename), size: Number(r.size), contentType: String(r.content_type), path: String(r.path), createdAt: String(r.created_at), received: Number(r.received) === 1 };
  }

  markReceived(id: string): void {
    this.db.prepare('UPDATE uploads SET received = 1 WHERE id = ?').run(id);
  }

  /** True the first time a key is seen (the inbox makes each file a job once). */
  claimInbox(key: string, jobId: string): boolean {
    return Number(this.db.prepare('INSERT OR IGNORE INTO inbox (key, job_id) VALUES (?, ?)').run(key, jobId).changes) === 1;
  }

  close(): void {
    this.db.close();
  }
}

function toJob(r: Raw): JobRow {
  return {
    id: String(r.id),
    status: r.status as JobStatus,
    name: String(r.name),
    source: JSON.parse(String(r.source)),
    captions: r.captions ? JSON.parse(String(r.captions)) : null,
    options: JSON.parse(String(r.options)),
    attempts: Number(r.attempts),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    stage: r.stage === null ? null : String(r.stage),
    pct: Number(r.pct),
    message: r.message === null ? null : String(r.message),
    error: r.error === null ? null : String(r.error),
    stages: JSON.parse(String(r.stages)),
    manifest: r.manifest ? JSON.parse(String(r.manifest)) : null,
  };
}

export function summary(j: JobRow): JobSummary {
  return { jobId: j.id, status: j.status, name: j.name, attempts: j.attempts, createdAt: j.createdAt, updatedAt: j.updatedAt, stage: j.stage, pct: j.pct, message: j.message, error: j.error };
}
