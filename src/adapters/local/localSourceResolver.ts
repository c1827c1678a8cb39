// A source on this machine: a file path as given, or an http(s) URL downloaded to scratch space.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { PageFetcher, ResolveOptions, ResolvedSource, SourceResolver, Storage } from '../../core/ports.ts';
import { DEFAULT_DOWNLOAD_LIMITS, type DownloadLimits } from '../http/download.ts';
import { fetchUrlSource } from '../http/urlSource.ts';

export class LocalSourceResolver implements SourceResolver {
  constructor(
    private readonly work: Storage,
    private readonly limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
    /** Page links (yt-dlp); without it a page link is refused with what to install. */
    private readonly pages?: PageFetcher,
  ) {}

  async resolve(source: string, jobId: string, opts: ResolveOptions = {}): Promise<ResolvedSource> {
    if (/^https?:\/\//i.test(source)) {
      const got = await fetchUrlSource(source, jobId, this.work, this.limits, this.pages, opts);
      return { ref: await this.work.localPath(got.key), page: got.page, pageCaptions: got.pageCaptions };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) throw new InputError(`unsupported source ${source}: give a file path or an http(s) URL`);
    const path = resolve(source);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new InputError(`input file not found: ${path}`);
    if (!info.isFile()) throw new InputError(`input is not a file: ${path}`);
    if (info.size === 0) throw new InputError(`input file is empty (0 bytes): ${path}`);
    return { ref: path };
  }

  /** Local references are paths already. */
  async open(ref: string): Promise<string> {
    return ref;
  }

  async readText(source: string, jobId: string, maxBytes: number): Promise<string> {
    const { ref: path } = await this.resolve(source, jobId);
    const { size } = await stat(path);
    if (size > maxBytes) throw new InputError(`${source} is ${size} bytes, over the ${maxBytes}-byte limit for a caption file`);
    return readFile(path, 'utf8');
  }
}
