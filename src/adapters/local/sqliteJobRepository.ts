// The job repository of `clipforge serve`: the jobs table of its SQLite file. Each move is one
// UPDATE whose WHERE names the statuses it may leave (src/jobs/status.ts), so the no-revival rule
// holds in the write itself. node:sqlite is synchronous: a write happens when the method is
// called, in call order, and costs microseconds.
import type { Manifest } from '../../core/schemas.ts';
import type { DatabaseSync } from 'node:sqlite';
import { DEFAULT_LIST_LIMIT, type JobEnd, type JobRecord, type JobRepository, type NewJob, type ProgressUpdate, endMessage } from '../../jobs/jobRepository.ts';
import { type JobStatus, statusesInto } from '../../jobs/status.ts';

type Raw = Record<string, string | number | null>;
type Value = string | number | null;
/** What a list reads: all but the manifest and stage detail. */
const SUMMARY_COLUMNS = 'id, status, name, source, captions, options, attempts, created_at, updated_at, stage, pct, message, error';

export class SqliteJobRepository<S = unknown> implements JobRepository<S> {
  constructor(private readonly db: DatabaseSync) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, captions TEXT,
        options TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        stage TEXT, pct REAL NOT NULL DEFAULT 0, message TEXT, error TEXT, stages TEXT NOT NULL DEFAULT '{}', manifest TEXT);
      CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
    `);
  }

  async create(j: NewJob<S>): Promise<boolean> {
    const now = new Date().toISOString();
    const res = this.db
      .prepare('INSERT OR IGNORE INTO jobs (id, status, name, source, captions, options, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(j.jobId, 'queued', j.name, JSON.stringify(j.source), j.captions ? JSON.stringify(j.captions) : null, JSON.stringify(j.options), now, now);
    return Number(res.changes) === 1;
  }

  async get(jobId: string): Promise<JobRecord<S> | undefined> {
    return this.getNow(jobId);
  }

  async list(limit = DEFAULT_LIST_LIMIT): Promise<JobRecord<S>[]> {
    return this.recent(limit);
  }

  recent(limit = DEFAULT_LIST_LIMIT): JobRecord<S>[] {
    return (
      this.db.prepare(`SELECT ${SUMMARY_COLUMNS}, NULL AS manifest, '{}' AS stages FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(limit) as Raw[]
    ).map((r) => toRecord<S>(r));
  }

  async start(jobId: string): Promise<boolean> {
    return this.move(jobId, 'running', 'attempts = attempts + 1, error = NULL', []);
  }

  async progress(jobId: string, u: ProgressUpdate): Promise<boolean> {
    return this.move(jobId, 'running', "stage = ?, pct = ?, message = ?, stages = json_set(stages, '$.' || json_quote(?), json(?))", [
      u.stage,
      u.pct,
      u.message,
      u.stage,
      JSON.stringify({ pct: u.pct, message: u.message }),
    ]);
  }

  async end(jobId: string, how: JobEnd): Promise<boolean> {
    const message = endMessage(how);
    if (how.status === 'done') return this.move(jobId, 'done', 'manifest = ?, pct = 100, message = ?', [JSON.stringify(how.manifest), message]);
    if (how.status === 'failed') return this.move(jobId, 'failed', 'error = ?, message = ?', [how.error, message]);
    return this.move(jobId, 'cancelled', 'message = ?', [message]);
  }

  // What only serve needs: synchronous reads (its WebSocket catch-up is sent in order with the
  // events around it), its own queue, and a restart putting interrupted jobs back.

  /** Forgets an ended job (its files are the caller's to remove); false when it is open or unknown. */
  remove(jobId: string): boolean {
    const r = this.db.prepare("DELETE FROM jobs WHERE id = ? AND status IN ('done', 'failed', 'cancelled')").run(jobId);
    return Number(r.changes) === 1;
  }

  /** Ended jobs last changed before `iso`. */
  endedBefore(iso: string): string[] {
    return (
      this.db.prepare("SELECT id FROM jobs WHERE status IN ('done', 'failed', 'cancelled') AND updated_at < ? LIMIT 1000").all(iso) as Array<{ id: string }>
    ).map((r) => r.id);
  }

  /** A finished job's manifest after an edit re-rendered a clip (src/editing/); false unless the job is done. */
  replaceManifest(jobId: string, manifest: Manifest): boolean {
    const r = this.db
      .prepare("UPDATE jobs SET manifest = ?, updated_at = ? WHERE id = ? AND status = 'done'")
      .run(JSON.stringify(manifest), new Date().toISOString(), jobId);
    return Number(r.changes) === 1;
  }

  getNow(jobId: string): JobRecord<S> | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(jobId) as Raw | undefined;
    return row && toRecord<S>(row);
  }

  byStatus(status: JobStatus, limit = DEFAULT_LIST_LIMIT): JobRecord<S>[] {
    return (this.db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY created_at, rowid LIMIT ?').all(status, limit) as Raw[]).map((r) => toRecord<S>(r));
  }

  count(status: JobStatus): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE status = ?').get(status) as { n: number }).n);
  }

  /** A job a restart interrupted goes back to the queue. */
  async requeue(jobId: string, message: string): Promise<boolean> {
    return this.move(jobId, 'queued', 'message = ?', [message]);
  }

  private move(jobId: string, to: JobStatus, set: string, values: Value[]): boolean {
    const from = statusesInto(to);
    const sql = `UPDATE jobs SET ${set}, status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`;
    return Number(this.db.prepare(sql).run(...values, to, new Date().toISOString(), jobId, ...from).changes) === 1;
  }
}

function toRecord<S>(r: Raw): JobRecord<S> {
  return {
    jobId: String(r.id),
    status: r.status as JobStatus,
    name: String(r.name),
    source: JSON.parse(String(r.source)) as S,
    captions: r.captions ? (JSON.parse(String(r.captions)) as S) : null,
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
