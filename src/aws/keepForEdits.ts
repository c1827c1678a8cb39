// After a job on AWS: what a later edit needs, kept with the clips under the outputs bucket's
// jobs/ prefix (expired with the job's record after JOB_KEEP_DAYS): transcript.json, job.json and
// the source itself, copied there server-side, because uploads expire after 7 days and the work
// bucket after one. A source over CopyObject's 5 GiB is referenced where it is instead (editable
// while the upload is kept).
import { CopyObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { extname } from 'node:path';
import { s3Fingerprint } from '../adapters/aws/s3Fingerprint.ts';
import { parseS3 } from '../adapters/aws/s3SourceResolver.ts';
import type { S3Storage } from '../adapters/aws/s3Storage.ts';
import type { Storage } from '../core/ports.ts';
import type { ClipResult, JobOptions, SourceInfo } from '../core/schemas.ts';
import { TRANSCRIPT_FILE } from '../editing/editSchemas.ts';
import { jobKeepOf, writeKeep } from '../editing/jobKeep.ts';

/** The largest object one CopyObject copies. */
const COPY_MAX_BYTES = 5 * 1024 ** 3;

export async function keepForEditsOnAws(a: {
  s3: S3Client;
  jobId: string;
  work: Storage;
  outputs: S3Storage;
  transcriptKey: string;
  sourceFile: string;
  info: SourceInfo;
  options: JobOptions;
  made: ClipResult[];
}): Promise<void> {
  await a.outputs.writeText(TRANSCRIPT_FILE, await a.work.readText(a.transcriptKey));
  const from = parseS3(a.sourceFile);
  if (!from) throw new Error(`not an S3 source reference: ${a.sourceFile}`);
  const size = (await a.s3.send(new HeadObjectCommand(from))).ContentLength ?? 0;
  let source: { file: string; kept: boolean };
  if (size <= COPY_MAX_BYTES) {
    const name = `source${
      extname(from.Key)
        .toLowerCase()
        .replace(/[^.a-z0-9]/g, '') || '.mp4'
    }`;
    const to = parseS3(a.outputs.uriOf(name))!;
    await a.s3.send(
      new CopyObjectCommand({ Bucket: to.Bucket, Key: to.Key, CopySource: `${from.Bucket}/${encodeURIComponent(from.Key).replace(/%2F/g, '/')}` }),
    );
    source = { file: name, kept: true };
  } else {
    source = { file: a.sourceFile, kept: false };
  }
  const fingerprint = await s3Fingerprint(a.s3, source.kept ? a.outputs.uriOf(source.file) : a.sourceFile);
  await writeKeep(
    a.outputs,
    jobKeepOf({ jobId: a.jobId, source: { ...source, fingerprint, info: a.info }, options: a.options, crops: a.made.map((c) => [c.clip.rank, c.crop]) }),
  );
}
