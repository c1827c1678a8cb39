// Streams an http(s) URL to a file: the one fetcher for every URL the project opens on someone's
// behalf (sources and caption files, locally and on AWS). A size cap, an overall timeout and a
// stall timeout; a failed download leaves nothing. Unless the caller may fetch anything (the CLI,
// the local user's own command), the host is resolved once and the connection made to that very
// address only if every address it resolves to is public (addressGuard.ts); an IP literal is
// checked as it is; each redirect, at most 5, goes through the same check. Every refused or
// unreachable target gets one message, so the errors do not map the server's network.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type IncomingMessage, get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, errorMessage } from '../../core/errors.ts';
import { type AddressPolicy, Refused, allowed, guardedLookup } from './addressGuard.ts';

export type { AddressPolicy };

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
  /**
   * A download that moves less than MIN_BYTES_PER_SEC over this long fails (a peer that sends
   * headers and then nothing, or a byte a second, would otherwise hold a worker for the whole
   * timeout).
   */
  stallMs?: number;
  addresses?: AddressPolicy;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = { maxBytes: 8 * 1024 ** 3, timeoutMs: 30 * 60_000, stallMs: 60_000, addresses: 'public' };
export const MAX_REDIRECTS = 5;
/** 256 B/s: far below any real link (a 1 GB video at this rate takes 45 days), far above a trickle. */
export const MIN_BYTES_PER_SEC = 256;

function open(url: URL, limits: DownloadLimits, signal: AbortSignal, state: { stalled: boolean }): Promise<IncomingMessage> {
  const policy = limits.addresses ?? 'public';
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new Refused());
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !allowed(policy, host)) return reject(new Refused());
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(
      url,
      { signal, agent: false, headers: { 'user-agent': 'clipforge', accept: '*/*' }, ...(policy === 'any' ? {} : { lookup: guardedLookup(policy) }) },
      resolve,
    );
    req.setTimeout(limits.stallMs ?? DEFAULT_DOWNLOAD_LIMITS.stallMs!, () => {
      state.stalled = true;
      req.destroy(new Stalled());
    });
    req.on('error', reject);
  });
}

class Stalled extends Error {}

/** The URL answered with a web page, not media: a page link, for a page fetcher to resolve. */
export class WebPageError extends InputError {
  override name = 'InputError';
  constructor(readonly url: string) {
    super(`${url} is a web page, not a media file`);
  }
}

/** What a download reports as it goes: bytes so far and the declared total (when the server said). */
export type DownloadProgress = (received: number, total: number | undefined) => void;

/** Bytes between two progress reports (a report per chunk would flood the WebSocket). */
const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * `cancel`: the job's cancellation; a download stops at once when it fires. `pages`: answer an
 * HTML response with WebPageError (a page link) instead of saving the page as the video.
 */
export async function downloadToFile(
  url: string,
  dest: string,
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
  cancel?: AbortSignal,
  opts: { onProgress?: DownloadProgress; pages?: boolean } = {},
): Promise<void> {
  const cap = `${(limits.maxBytes / 1024 ** 2).toFixed(0)} MB`;
  const stallSec = Math.round((limits.stallMs ?? DEFAULT_DOWNLOAD_LIMITS.stallMs!) / 1000);
  const policy = limits.addresses ?? 'public';
  // A stall destroys the socket; the body stream then fails as "aborted", so the cause is kept here.
  const state = { stalled: false };
  const failed = (err: unknown): InputError => {
    if (err instanceof InputError) return err;
    if (err instanceof Stalled || state.stalled)
      return new InputError(`download of ${url} stalled: less than ${MIN_BYTES_PER_SEC} bytes a second for ${stallSec} s`);
    if (cancel?.aborted) return new InputError(`download of ${url} was cancelled`);
    if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError')
      return new InputError(`download of ${url} took longer than ${Math.round(limits.timeoutMs / 60_000)} minutes`);
    // The same words for a refused address, a closed port or an unknown name: nothing to map a network by.
    if (err instanceof Refused || policy !== 'any') return new InputError(`could not download ${url}: it cannot be reached from this server`);
    return new InputError(`could not download ${url}: ${errorMessage(err)}`);
  };
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  let res: IncomingMessage | undefined;
  let at: URL;
  try {
    at = new URL(url);
  } catch {
    throw new InputError(`${url} is not a URL`);
  }
  try {
    for (let hop = 0; ; hop++) {
      res = await open(at, limits, signal, state);
      const location = res.headers.location;
      if (!(res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location)) break;
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new InputError(`could not download ${url}: more than ${MAX_REDIRECTS} redirects`);
      at = new URL(location, at);
    }
  } catch (err) {
    throw failed(err);
  }
  if (!res) throw failed(new Refused());
  if (res.statusCode !== 200) {
    res.resume();
    throw new InputError(`could not download ${url}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd());
  }
  if (opts.pages && /^(text\/html|application\/xhtml\+xml)\b/i.test(String(res.headers['content-type'] ?? ''))) {
    res.destroy();
    throw new WebPageError(url);
  }
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > limits.maxBytes) {
    res.destroy();
    throw new InputError(`${url} is ${(declared / 1024 ** 2).toFixed(0)} MB, over the ${cap} download cap`);
  }
  let seen = 0;
  let reported = 0;
  const total = Number.isFinite(declared) ? declared : undefined;
  opts.onProgress?.(0, total);
  const capped = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen - reported >= PROGRESS_EVERY_BYTES) {
        reported = seen;
        opts.onProgress?.(seen, total);
      }
      if (seen > limits.maxBytes) done(new InputError(`${url} is over the ${cap} download cap`));
      else done(null, chunk);
    },
  });
  // Checked once per window: fewer bytes than the minimum rate stops the download as stalled.
  const windowMs = limits.stallMs ?? DEFAULT_DOWNLOAD_LIMITS.stallMs!;
  let atLastCheck = 0;
  const body = res;
  const watch = setInterval(() => {
    if (seen - atLastCheck < (MIN_BYTES_PER_SEC * windowMs) / 1000) {
      state.stalled = true;
      body.destroy(new Stalled());
    }
    atLastCheck = seen;
  }, windowMs);
  try {
    await pipeline(res, capped, createWriteStream(dest));
    clearInterval(watch);
    // A connection cut short ends the stream early without an error: a declared length must be met.
    if (Number.isFinite(declared) && seen !== declared) throw new InputError(`download of ${url} was cut short (${seen} of ${declared} bytes)`);
    opts.onProgress?.(seen, total);
  } catch (err) {
    clearInterval(watch);
    await rm(dest, { force: true });
    // Connected to an allowed server by now: its own failure may be named.
    throw err instanceof InputError || state.stalled || cancel?.aborted || (err as Error).name === 'TimeoutError'
      ? failed(err)
      : new InputError(`download of ${url} failed: ${errorMessage(err)}`);
  }
}
