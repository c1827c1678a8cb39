// The rules on job and upload requests that both API backends apply (serve's and the AWS HTTP
// API's), written once: the upload size cap and which sources a server takes.
import { ApiError } from '../api/apiError.ts';
import type { CreateJob, CreateUpload } from '../api/schemas.ts';

/** 413 for an upload over `max`; `hint` says where larger files go, when there is such a place. */
export function checkUploadSize(req: CreateUpload, max: number, hint = ''): void {
  if (req.size > max) throw new ApiError(413, `${req.filename} is ${req.size} bytes, over the ${max}-byte upload limit${hint ? `; ${hint}` : ''}`);
}

export const pathSourceRefused = (where: string) => new ApiError(400, `sources by path are not accepted ${where}; upload the file or give a URL`);

/** A job may name a file on the server's machine only where its clients are on that machine. */
export function checkPathSources(req: CreateJob, allowed: boolean, where: string): void {
  for (const s of [req.source, req.captions]) {
    if (s && 'path' in s && !allowed) throw pathSourceRefused(where);
  }
}
