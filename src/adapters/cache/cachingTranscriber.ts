// Transcribes each distinct audio once: the key is the audio's sha256 with provider, model and
// language. Jobs of the same media in one process share one in-flight request; across processes
// (or Lambda invocations) a lease in the cache makes the others wait for the first one's result.
// A page video is also keyed by its extractor and id (CallContext.sourceId): two users of the same
// video share one transcription even when their downloads differ (another format, a re-encode).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import type { CallContext, Logger, Transcriber, TranscriptCache } from '../../core/ports.ts';
import type { Transcript } from '../../core/schemas.ts';

export const CACHE_TTL_SEC = 7 * 24 * 3600;

export interface CachingOptions {
  ttlSec?: number;
  /** How long a lease lasts without renewal (it is renewed every third of it while held); a
   * holder that died blocks others at most this long. */
  leaseSec?: number;
  pollMs?: number;
  log?: Logger;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class CachingTranscriber implements Transcriber {
  readonly name: string;
  readonly model: string;
  readonly language: string | undefined;
  private readonly inFlight = new Map<string, Promise<Transcript>>();
  /** host:pid:uuid, so a local cache can tell a dead holder from a live one. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;

  constructor(
    private readonly inner: Transcriber,
    private readonly cache: TranscriptCache,
    private readonly opts: CachingOptions = {},
  ) {
    this.name = inner.name;
    this.model = inner.model;
    this.language = inner.language;
  }

  async keyFor(audioPath: string, language = this.language): Promise<string> {
    return ['transcript', await sha256File(audioPath), this.name, this.model, language ?? 'auto'].join(':');
  }

  /** The key of a source named by where it came from ("youtube:abc123def45"). */
  sourceKeyFor(sourceId: string, language = this.language): string {
    return ['transcript', 'source', sourceId, this.name, this.model, language ?? 'auto'].join(':');
  }

  async transcribe(audioPath: string, ctx: CallContext = {}): Promise<Transcript> {
    const bySource = ctx.sourceId ? this.sourceKeyFor(ctx.sourceId, ctx.language ?? this.language) : undefined;
    const known = bySource && (await this.cache.get(bySource));
    if (known) {
      ctx.meter?.cacheHit();
      this.opts.log?.info('transcript from cache (same video)', { provider: this.name, model: this.model, source: ctx.sourceId });
      return known;
    }
    const transcript = await this.byAudio(audioPath, ctx);
    if (bySource) await this.cache.put(bySource, transcript, this.opts.ttlSec ?? CACHE_TTL_SEC);
    return transcript;
  }

  private async byAudio(audioPath: string, ctx: CallContext): Promise<Transcript> {
    const key = await this.keyFor(audioPath, ctx.language ?? this.language);
    const cached = await this.cache.get(key);
    if (cached) {
      ctx.meter?.cacheHit();
      this.opts.log?.info('transcript from cache', { provider: this.name, model: this.model });
      return cached;
    }
    const running = this.inFlight.get(key);
    if (running) {
      ctx.meter?.cacheHit();
      return running;
    }
    const work = this.fill(key, audioPath, ctx).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async fill(key: string, audioPath: string, ctx: CallContext): Promise<Transcript> {
    const leaseSec = this.opts.leaseSec ?? 60;
    for (;;) {
      if (await this.cache.claim(key, this.owner, leaseSec)) break;
      // Someone else is transcribing this audio: wait for their result (or for their lease to lapse).
      ctx.signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 1000));
      const done = await this.cache.get(key);
      if (done) {
        ctx.meter?.cacheHit();
        return done;
      }
    }
    const renew = setInterval(() => void this.cache.claim(key, this.owner, leaseSec), (leaseSec * 1000) / 3);
    renew.unref();
    try {
      const transcript = await this.inner.transcribe(audioPath, ctx);
      await this.cache.put(key, transcript, this.opts.ttlSec ?? CACHE_TTL_SEC);
      return transcript;
    } finally {
      clearInterval(renew);
      await this.cache.release(key, this.owner);
    }
  }
}
