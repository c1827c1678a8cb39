// A job's ZIP on AWS: written by the finalize stage beside the clips, since an API request cannot
// stream one (API Gateway buffers responses, 10 MB at most, within 30 s). Each object is read from
// S3 as the archive reaches it and the archive goes up as a multipart upload, so the function's
// memory stays at a few parts whatever the job's size.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Manifest } from '../core/schemas.ts';
import { CLIPS_ZIP, deflates, zipEntries } from '../jobs/clipsZip.ts';

/** Parts of 8 MiB, two in flight: 16 MiB of buffers. */
const PART_BYTES = 8 * 1024 * 1024;

export async function writeJobZip(s3: S3Client, bucket: string, prefix: string, manifest: Manifest): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const name of zipEntries(manifest)) {
    zip.addReadStreamLazy(name, { compress: deflates(name) }, (cb) => {
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${name}` })).then(
        (r) => cb(null, r.Body as Readable),
        (err: unknown) => cb(err as Error, undefined as unknown as Readable),
      );
    });
  }
  zip.end();
  const key = `${prefix}${CLIPS_ZIP}`;
  const body = zip.outputStream as Readable;
  // An object that cannot be read fails the upload (aborted: no half ZIP is left), and the stage with it.
  zip.on('error', (err: Error) => body.destroy(err));
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/zip' },
    partSize: PART_BYTES,
    queueSize: 2,
  });
  await upload.done();
  return key;
}
