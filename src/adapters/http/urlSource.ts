// A URL source, the same way in both runtimes: a direct media URL is downloaded through the
// guarded fetcher; a URL that answers with a web page is a page link, handed to the page fetcher
// (yt-dlp) when there is one. Either way the result is written into the job's work storage whole,
// or not at all, with download progress reported as it goes.
import { InputError } from '../../core/errors.ts';
import type { PageCaptions, PageFetcher, PageInfo, ResolveOptions, Storage } from '../../core/ports.ts';
import { type DownloadLimits, WebPageError, downloadToFile } from './download.ts';

const MB = 1024 * 1024;

/** The key a URL source is kept under in the job's work storage. */
export function urlSourceKey(url: string, jobId: string): string {
  const name =
    new URL(url).pathname
      .split('/')
      .pop()
      ?.replace(/[^\w.-]/g, '') || 'source';
  return `${jobId}/download-${name}`;
}

export interface FetchedUrl {
  key: string;
  page?: PageInfo | undefined;
  pageCaptions?: PageCaptions | undefined;
}

export async function fetchUrlSource(
  url: string,
  jobId: string,
  work: Storage,
  limits: DownloadLimits,
  pages: PageFetcher | undefined,
  opts: ResolveOptions = {},
): Promise<FetchedUrl> {
  const key = urlSourceKey(url, jobId);
  const onProgress = (received: number, total: number | undefined) =>
    opts.onProgress?.(total ? received / total : 0, `downloading: ${(received / MB).toFixed(0)}${total ? ` of ${(total / MB).toFixed(0)}` : ''} MB`);
  // A retried ingest (after a transient failure) does not download a direct URL twice.
  if (await work.exists(key)) return { key };
  try {
    await work.writeFile(key, (tmp) => downloadToFile(url, tmp, limits, opts.signal, { onProgress, pages: true }));
    return { key };
  } catch (err) {
    if (!(err instanceof WebPageError)) throw err;
    if (!pages) throw new InputError(`${url} is a web page, not a media file; page links need yt-dlp (bash scripts/setup.sh installs it)`);
  }
  const pageKey = `${jobId}/page-video`;
  let found: Awaited<ReturnType<PageFetcher['fetch']>> | undefined;
  await work.writeFile(pageKey, async (tmp) => {
    found = await pages.fetch(url, tmp, opts);
  });
  return { key: pageKey, page: found!.page, pageCaptions: found!.captions };
}
