// An S3 object recognised again by its size and ETag (HEAD only: nothing is read).
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Fingerprint } from '../../editing/editSchemas.ts';
import { parseS3 } from './s3SourceResolver.ts';

export async function s3Fingerprint(s3: S3Client, ref: string): Promise<Fingerprint> {
  const object = parseS3(ref);
  if (!object) throw new Error(`not an S3 reference: ${ref}`);
  const head = await s3.send(new HeadObjectCommand(object));
  return { size: head.ContentLength ?? 0, digest: `etag:${head.ETag ?? ''}` };
}
