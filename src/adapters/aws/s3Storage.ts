// The Storage port on an S3 bucket (the AWS deployment's work and outputs buckets). Objects are
// written from a local temporary file with a multipart upload, so they appear whole or not at
// all; tools that need a path get a local copy.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Storage } from '../../core/ports.ts';

export class S3Storage implements Storage {
  constructor(
    readonly bucket: string,
    private readonly s3: S3Client = new S3Client({}),
    /** Where local copies go (Lambda: /tmp; Fargate: the task's disk). */
    private readonly scratch: string = join(tmpdir(), 'clipforge-s3'),
    private readonly prefix = '',
  ) {}

  private k(key: string): string {
    return this.prefix + key;
  }

  /** The object's s3:// address, for references other processes open. */
  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.k(key)}`;
  }

  async localPath(key: string): Promise<string> {
    const path = join(this.scratch, this.bucket, key);
    await mkdir(dirname(path), { recursive: true });
    const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
    const tmp = `${path}.partial-${process.pid}`;
    await pipeline(res.Body as Readable, createWriteStream(tmp));
    await rename(tmp, path);
    return path;
  }

  async writeFile(key: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'clipforge-put-'));
    try {
      const tmp = join(dir, key.split('/').pop() ?? 'object');
      await write(tmp);
      await new Upload({
        client: this.s3,
        params: { Bucket: this.bucket, Key: this.k(key), Body: createReadStream(tmp) },
        partSize: 16 * 1024 * 1024,
        queueSize: 4,
      }).done();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async writeText(key: string, text: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.k(key),
        Body: text,
        ContentType: key.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8',
      }),
    );
  }

  async readText(key: string): Promise<string> {
    const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
    return res.Body!.transformToString('utf8');
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
      return true;
    } catch (err) {
      if (err instanceof NotFound || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw err;
    }
  }

  async removePrefix(prefix: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.k(prefix), ContinuationToken: token }));
      // One DeleteObject per key: the permission is then checked on each object, as the grant
      // names them (jobs/*); a refusal throws. Few keys here (a clip's files, an edit's scratch).
      const keys = (page.Contents ?? []).map((o) => o.Key!);
      for (let i = 0; i < keys.length; i += 8) {
        await Promise.all(keys.slice(i, i + 8).map((Key) => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }))));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await rm(join(this.scratch, this.bucket, prefix), { recursive: true, force: true });
  }
}
