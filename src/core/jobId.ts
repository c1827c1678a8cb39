import { randomBytes } from 'node:crypto';

/** Sortable by creation time, safe as a Step Functions execution name and an S3 prefix. */
export function newJobId(): string {
  return `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}
