// What a job's source names on this machine: an upload (by id, once received), a URL, or a path.
// Used by the API (to refuse unknown uploads at once) and by the queue (when the job starts).
import { resolve } from 'node:path';
import { ApiError } from '../api/apiError.ts';
import type { JobSource } from '../api/schemas.ts';
import type { JobStore } from './jobStore.ts';

/** A job's source as runLocalJob reads it; unknown or unfinished uploads are refused. */
export function resolveJobSource(store: JobStore, s: JobSource): string {
  if ('uploadId' in s) {
    const up = store.upload(s.uploadId);
    if (!up) throw new ApiError(400, `no upload ${s.uploadId}`);
    if (!up.received) throw new ApiError(409, `upload ${s.uploadId} has not been received yet (PUT its bytes to the uploadUrl first)`);
    return up.path;
  }
  if ('url' in s) return s.url;
  return resolve(s.path);
}
