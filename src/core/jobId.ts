import { randomBytes } from 'node:crypto';

/** Sortable by creation time, safe as a Step Functions execution name and an S3 prefix. */
export function newJobId(): string {
  return `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

/** An upload's id: sortable, unguessable (it is the capability to attach the upload to a job). */
export const newUploadId = (): string => `u${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;

/** What a job or upload id may be: it names folders, S3 keys and executions (Step Functions takes 80 characters). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
