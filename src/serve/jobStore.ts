// Jobs, uploads and inbox files of `clipforge serve`, in one SQLite file so nothing is lost on a
// restart. The jobs table is the job repository both runtimes share the rules of
// (src/adapters/local/sqliteJobRepository.ts); uploads, the inbox and idempotency keys are serve's
// own. Synchronous node:sqlite calls: each is a few microseconds, well under a request's budget.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { JobSource } from '../api/schemas.ts';
import { SqliteJobRepository } from '../adapters/local/sqliteJobRepository.ts';

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
  readonly jobs: SqliteJobRepository<JobSource>;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // The busy timeout before anything that takes a lock (as in the transcript cache).
    this.db = new DatabaseSync(file, { timeout: 5000 });
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS uploads (
        id TEXT PRIMARY KEY, filename TEXT NOT NULL, size INTEGER NOT NULL, content_type TEXT NOT NULL,
        path TEXT NOT NULL, created_at TEXT NOT NULL, received INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS inbox (key TEXT PRIMARY KEY, job_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, job_id TEXT NOT NULL, created_at TEXT NOT NULL);
    `);
    this.jobs = new SqliteJobRepository<JobSource>(this.db);
  }

  /** The job an Idempotency-Key made within `ttlSec`, with the fingerprint of its request. */
  idempotent(key: string, ttlSec: number): { fingerprint: string; jobId: string } | undefined {
    const since = new Date(Date.now() - ttlSec * 1000).toISOString();
    const r = this.db.prepare('SELECT fingerprint, job_id FROM idempotency WHERE key = ? AND created_at > ?').get(key, since) as
      | { fingerprint: string; job_id: string }
      | undefined;
    return r && { fingerprint: r.fingerprint, jobId: r.job_id };
  }

  rememberIdempotent(key: string, fingerprint: string, jobId: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO idempotency (key, fingerprint, job_id, created_at) VALUES (?, ?, ?, ?)')
      .run(key, fingerprint, jobId, new Date().toISOString());
  }

  insertUpload(u: Omit<UploadRow, 'createdAt' | 'received'>): UploadRow {
    this.db
      .prepare('INSERT INTO uploads (id, filename, size, content_type, path, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(u.id, u.filename, u.size, u.contentType, u.path, new Date().toISOString());
    return this.upload(u.id)!;
  }

  upload(id: string): UploadRow | undefined {
    const r = this.db.prepare('SELECT * FROM uploads WHERE id = ?').get(id) as Raw | undefined;
    if (!r) return undefined;
    return {
      id: String(r.id),
      filename: String(r.filename),
      size: Number(r.size),
      contentType: String(r.content_type),
      path: String(r.path),
      createdAt: String(r.created_at),
      received: Number(r.received) === 1,
    };
  }

  removeUpload(id: string): void {
    this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
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
