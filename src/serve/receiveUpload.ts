// Streams an upload's bytes to disk under a temporary name; it appears under its final name only
// when complete, so a dropped connection leaves nothing half-written.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../api/apiError.ts';

export async function receiveUpload(req: IncomingMessage, dest: string, maxBytes: number): Promise<number> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw new ApiError(413, `the upload is ${declared} bytes, over the ${maxBytes}-byte limit`);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.partial-${process.pid}`;
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) return done(new ApiError(413, `the upload is over the ${maxBytes}-byte limit`));
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, cap, createWriteStream(tmp));
    if (seen === 0) throw new ApiError(400, 'the upload is empty');
    await rename(tmp, dest);
    return seen;
  } catch (err) {
    await rm(tmp, { force: true });
    if (!(err instanceof ApiError)) req.resume();
    throw err instanceof ApiError ? err : new ApiError(400, `the upload did not complete: ${(err as Error).message}`);
  }
}
