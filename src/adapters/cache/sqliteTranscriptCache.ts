// The local TranscriptCache: one SQLite file (Node's built-in node:sqlite, no native addon), safe
// for several clipforge processes at once (WAL, busy timeout, leases taken in one statement).
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { TranscriptCache } from '../../core/ports.ts';
import { type Transcript, TranscriptSchema } from '../../core/schemas.ts';

export class SqliteTranscriptCache implements TranscriptCache {
  private readonly db: DatabaseSync;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // The busy timeout first: switching to WAL and creating the tables take locks, and jobs on
    // serve open this file from processes of their own at the same moment ("database is locked").
    this.db = new DatabaseSync(file, { timeout: 5000 });
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS transcripts (key TEXT PRIMARY KEY, body TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL);
    `);
  }

  async get(key: string): Promise<Transcript | undefined> {
    const row = this.db.prepare('SELECT body FROM transcripts WHERE key = ? AND expires_at > ?').get(key, this.now()) as { body: string } | undefined;
    if (!row) return undefined;
    const parsed = TranscriptSchema.safeParse(JSON.parse(row.body));
    return parsed.success ? parsed.data : undefined; // an entry from an older format is a miss
  }

  async put(key: string, transcript: Transcript, ttlSec: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO transcripts (key, body, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body, expires_at = excluded.expires_at',
      )
      .run(key, JSON.stringify(transcript), this.now() + ttlSec * 1000);
    this.db.prepare('DELETE FROM transcripts WHERE expires_at <= ?').run(this.now());
  }

  async claim(key: string, owner: string, leaseSec: number): Promise<boolean> {
    const now = this.now();
    // A lease held by a process of this machine that no longer exists (killed, crashed) is free.
    const held = this.db.prepare('SELECT owner FROM leases WHERE key = ? AND until > ?').get(key, now) as { owner: string } | undefined;
    if (held && held.owner !== owner && holderIsDead(held.owner)) {
      this.db.prepare('DELETE FROM leases WHERE key = ? AND owner = ?').run(key, held.owner);
    }
    const res = this.db
      .prepare(
        'INSERT INTO leases (key, owner, until) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.until <= ? OR leases.owner = excluded.owner',
      )
      .run(key, owner, now + leaseSec * 1000, now);
    return Number(res.changes) === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE key = ? AND owner = ?').run(key, owner);
  }

  close(): void {
    this.db.close();
  }
}

/** Owners are host:pid:uuid; on this host, a pid that is gone means a dead holder. */
export function holderIsDead(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
