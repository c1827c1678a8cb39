// Sources on AWS: an uploaded object (s3://bucket/key) or an http(s) URL, which is copied into
// the job's work objects once so every later task reads the same bytes. Tasks open a reference
// as a presigned URL that FFmpeg reads with range requests: a 30 s clip of a 2-hour video reads
// only what it needs, and no task copies the whole source to its disk.
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { PageFetcher, ResolveOptions, ResolvedSource, SourceResolver } from '../../core/ports.ts';
import { DEFAULT_DOWNLOAD_LIMITS, type DownloadLimits, downloadToFile } from '../http/download.ts';
import { fetchUrlSource } from '../http/urlSource.ts';
import type { S3Storage } from './s3Storage.ts';

const S3_URI = /^s3:\/\/([^/]+)\/(.+)$/;

export function parseS3(uri: string): { Bucket: string; Key: string } | undefined {
  const m = S3_URI.exec(uri);
  return m ? { Bucket: m[1]!, Key: m[2]! } : undefined;
}

export class S3SourceResolver implements SourceResolver {
  constructor(
    private readonly s3: S3Client,
    /** The job's work objects: where URL sources are kept. */
    private readonly work: S3Storage,
    private readonly limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
    /** Presigned URLs must outlive the longest FFmpeg read (role credentials may end them sooner). */
    private readonly urlTtlSec = 6 * 3600,
    /** Page links (yt-dlp, in the ingest task's image); without it a page link is refused. */
    private readonly pages?: PageFetcher,
  ) {}

  async resolve(source: string, jobId: string, opts: ResolveOptions = {}): Promise<ResolvedSource> {
    const object = parseS3(source);
    if (object) {
      await this.size(source);
      return { ref: source };
    }
    if (/^https?:\/\//i.test(source)) {
      const got = await fetchUrlSource(source, jobId, this.work, this.limits, this.pages, opts);
      return { ref: this.work.uriOf(got.key), page: got.page, pageCaptions: got.pageCaptions };
    }
    throw new InputError(`unsupported source ${source}: on AWS give an upload, an s3:// object or an http(s) URL`);
  }

  async open(ref: string): Promise<string> {
    const object = parseS3(ref);
    if (!object) throw new Error(`not a source reference from this resolver: ${ref}`);
    return getSignedUrl(this.s3, new GetObjectCommand(object), { expiresIn: this.urlTtlSec });
  }

  async readText(source: string, jobId: string, maxBytes: number): Promise<string> {
    const object = parseS3(source);
    if (!object) {
      if (!/^https?:\/\//i.test(source)) throw new InputError(`unsupported caption source ${source}: give an upload, an s3:// object or an http(s) URL`);
      const dir = await mkdtemp(join(tmpdir(), `clipforge-captions-${jobId}-`));
      try {
        await downloadToFile(source, join(dir, 'captions'), { ...this.limits, maxBytes });
        return await readFile(join(dir, 'captions'), 'utf8');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const size = await this.size(source);
    if (size > maxBytes) throw new InputError(`${source} is ${size} bytes, over the ${maxBytes}-byte limit for a caption file`);
    const res = await this.s3.send(new GetObjectCommand(object));
    return res.Body!.transformToString('utf8');
  }

  /** The object's size; a missing or empty object is bad input. */
  private async size(uri: string): Promise<number> {
    const object = parseS3(uri)!;
    let size: number;
    try {
      size = (await this.s3.send(new HeadObjectCommand(object))).ContentLength ?? 0;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) throw new InputError(`${uri} does not exist (was the upload finished?)`);
      // Our own bucket refusing our own role is the deployment's fault, not the video's.
      if (status === 403) throw new Error(`${uri} cannot be read: access denied to this deployment's role (a permissions fault, not the video)`);
      throw err;
    }
    if (size === 0) throw new InputError(`${uri} is empty (0 bytes)`);
    return size;
  }
}
