// Streams an upload's bytes to disk under a temporary name of its own; it appears under its final
// name only when exactly the declared size arrived, so a dropped or short connection leaves
// nothing half-written. One writer per upload: a second PUT while one is under way gets 409.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../api/apiError.ts';

const UPLOAD_STALL_MS = 60_000;

/** Uploads being written now, by destination. */
const writing = new Set<string>();

/** `size`: what POST /uploads declared; the body must be exactly that. */
export async function receiveUpload(req: IncomingMessage, dest: string, maxBytes: number, size: number): Promise<number> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw new ApiError(413, `the upload is ${declared} bytes, over the ${maxBytes}-byte limit`);
  if (Number.isFinite(declared) && declared !== size) throw new ApiError(400, `the upload is ${declared} bytes, but ${size} were announced`);
  if (writing.has(dest)) throw new ApiError(409, 'this upload is already being sent by another request');
  writing.add(dest);
  try {
    return await write(req, dest, maxBytes, size);
  } finally {
    writing.delete(dest);
  }
}

async function write(req: IncomingMessage, dest: string, maxBytes: number, size: number): Promise<number> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) return done(new ApiError(413, `the upload is over the ${maxBytes}-byte limit`));
      done(null, chunk);
    },
  });
  // A client that stops sending for a minute is cut off (the server has no overall request timeout).
  req.setTimeout(UPLOAD_STALL_MS, () => req.destroy(new Error(`no data for ${UPLOAD_STALL_MS / 1000} s`)));
  try {
    await pipeline(req, cap, createWriteStream(tmp));
    if (seen === 0) throw new ApiError(400, 'the upload is empty');
    if (seen !== size) throw new ApiError(400, `the upload ended after ${seen} of the ${size} bytes announced; send it again`);
    await rename(tmp, dest);
    return seen;
  } catch (err) {
    await rm(tmp, { force: true });
    if (!(err instanceof ApiError)) req.resume();
    throw err instanceof ApiError ? err : new ApiError(400, `the upload did not complete: ${(err as Error).message}`);
  }
}
