// A source on this machine: a file path as given, or an http(s) URL downloaded to scratch space.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { SourceResolver, Storage } from '../../core/ports.ts';
import { DEFAULT_DOWNLOAD_LIMITS, downloadToFile, type DownloadLimits } from '../http/download.ts';

export class LocalSourceResolver implements SourceResolver {
  constructor(
    private readonly work: Storage,
    private readonly limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
  ) {}

  async resolve(source: string, jobId: string, signal?: AbortSignal): Promise<string> {
    if (/^https?:\/\//i.test(source)) {
      const name =
        new URL(source).pathname
          .split('/')
          .pop()
          ?.replace(/[^\w.-]/g, '') || 'source';
      const key = `${jobId}/download-${name}`;
      await this.work.writeFile(key, (tmp) => downloadToFile(source, tmp, this.limits, signal));
      return this.work.localPath(key);
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) throw new InputError(`unsupported source ${source}: give a file path or an http(s) URL`);
    const path = resolve(source);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new InputError(`input file not found: ${path}`);
    if (!info.isFile()) throw new InputError(`input is not a file: ${path}`);
    if (info.size === 0) throw new InputError(`input file is empty (0 bytes): ${path}`);
    return path;
  }

  /** Local references are paths already. */
  async open(ref: string): Promise<string> {
    return ref;
  }

  async readText(source: string, jobId: string, maxBytes: number): Promise<string> {
    const path = await this.resolve(source, jobId);
    const { size } = await stat(path);
    if (size > maxBytes) throw new InputError(`${source} is ${size} bytes, over the ${maxBytes}-byte limit for a caption file`);
    return readFile(path, 'utf8');
  }
}
