// Streams an http(s) URL to a file with a size cap and a timeout; a failed download leaves nothing.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, errorMessage } from '../../core/errors.ts';

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = { maxBytes: 8 * 1024 ** 3, timeoutMs: 30 * 60_000 };

export async function downloadToFile(url: string, dest: string, limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS): Promise<void> {
  const cap = `${(limits.maxBytes / 1024 ** 2).toFixed(0)} MB`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(limits.timeoutMs), redirect: 'follow' });
  } catch (err) {
    throw new InputError(`could not download ${url}: ${errorMessage(err)}`);
  }
  if (!res.ok || !res.body) throw new InputError(`could not download ${url}: HTTP ${res.status} ${res.statusText}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limits.maxBytes) {
    await res.body.cancel();
    throw new InputError(`${url} is ${(declared / 1024 ** 2).toFixed(0)} MB, over the ${cap} download cap`);
  }
  let seen = 0;
  const cap_ = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limits.maxBytes) done(new InputError(`${url} is over the ${cap} download cap`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), cap_, createWriteStream(dest));
  } catch (err) {
    await rm(dest, { force: true });
    if (err instanceof InputError) throw err;
    throw new InputError(`download of ${url} failed: ${errorMessage(err)}`);
  }
}
