// Page links through yt-dlp: read the page (`-J`), apply the rules before downloading
// (pageMetadata.ts), then fetch the best picture up to the job's height with its audio, and the
// captions chosen, into a private scratch folder that is removed whatever happens. When a server
// fetches for a client, every request yt-dlp makes (the page, its redirects, the media and caption
// URLs, HLS/DASH fragments) goes through a loopback forward proxy that applies the address guard
// (src/adapters/http/forwardProxy.ts), so a page cannot point the server into its own network.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { InputError, ProcessError } from '../../core/errors.ts';
import { MAX_CAPTION_BYTES } from '../../captions/parseCaptions.ts';
import type { PageCaptions, PageFetcher, PageInfo, ResolveOptions } from '../../core/ports.ts';
import { PROJECT_ROOT } from '../../core/projectRoot.ts';
import { mediaBinaries } from '../../media/binaries.ts';
import { OutputTooLarge, runProcess } from '../../media/runProcess.ts';
import { DEFAULT_DOWNLOAD_LIMITS, type DownloadLimits, MIN_BYTES_PER_SEC } from '../http/download.ts';
import { startForwardProxy } from '../http/forwardProxy.ts';
import { type CaptionChoice, PageMetadataSchema, checkPage, chooseCaptions, fetchableFormats, pageFailure, pageInfo } from './pageMetadata.ts';

/** yt-dlp from an override, the project's virtualenv (scripts/setup.sh), or PATH; undefined when none is installed. */
export function ytDlpCommand(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CLIPFORGE_YTDLP) return env.CLIPFORGE_YTDLP;
  const venv = join(PROJECT_ROOT, '.venv', 'bin', 'yt-dlp');
  if (existsSync(venv)) return venv;
  const onPath = (env.PATH ?? '').split(':').find((dir) => dir && existsSync(join(dir, 'yt-dlp')));
  return onPath ? join(onPath, 'yt-dlp') : undefined;
}

/** A page link's fetcher when yt-dlp is installed. */
export function pageFetcher(limits: DownloadLimits): PageFetcher | undefined {
  const command = ytDlpCommand();
  return command ? new YtDlpFetcher(command, limits) : undefined;
}

const MB = 1024 * 1024;
/**
 * The most a page's description (yt-dlp's JSON) may take: a YouTube video's, with every format and
 * caption track listed, is 1-3 MB; one made to be large is refused instead of held in memory.
 */
export const PAGE_JSON_MAX_BYTES = 16 * MB;
const mb = (n: number) => (n / MB).toFixed(n < 10 * MB ? 1 : 0);
/** Lines yt-dlp prints for download progress (--progress-template). */
const PROGRESS = /^clipforge-progress (\S+) (\S+) (\S+) (.*)$/;
/** The line yt-dlp prints with the finished file's path (--print after_move:…). */
const FINAL_FILE = /^clipforge-file (.+)$/;
/**
 * Warnings that mean the file is not what was asked for: separate video and audio streams (every
 * YouTube format above 360p, DASH and HLS pages) left unmerged because FFmpeg could not be used.
 */
const BROKEN_DOWNLOAD = /merg|ffmpeg (?:is )?not (?:found|installed)|ffprobe (?:is )?not (?:found|installed)/i;

export class YtDlpFetcher implements PageFetcher {
  constructor(
    private readonly command: string,
    private readonly limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
  ) {}

  async fetch(url: string, dest: string, opts: ResolveOptions): Promise<{ page: PageInfo; captions?: PageCaptions | undefined }> {
    const policy = this.limits.addresses ?? 'public';
    // On a server, every byte yt-dlp fetches (fragments, chunked bodies) counts against the
    // download cap and the stall rule, which its own --max-filesize and timeouts do not enforce.
    const proxy =
      policy === 'any'
        ? undefined
        : await startForwardProxy({
            addresses: policy,
            traffic: { maxBytes: this.limits.maxBytes, stallMs: this.limits.stallMs ?? DEFAULT_DOWNLOAD_LIMITS.stallMs!, minBytesPerSec: MIN_BYTES_PER_SEC },
          });
    const dir = await mkdtemp(join(tmpdir(), 'clipforge-page-'));
    const unreachable = () => new InputError(`could not download ${url}: it cannot be reached from this server`);
    const run = async (args: string[], onLine?: (line: string) => void, maxStdoutBytes?: number) => {
      try {
        return await runProcess(this.command, [...this.common(proxy?.url), ...args], {
          ...(maxStdoutBytes ? { maxStdoutBytes } : {}),
          signal: opts.signal,
          timeoutMs: this.limits.timeoutMs,
          onStdoutLine: onLine,
          onStderrLine: onLine,
          captureStdout: !onLine,
          // No proxy exceptions from the server's environment (containers often exempt metadata addresses).
          env: withoutProxyExceptions({ ...process.env, PYTHONDONTWRITEBYTECODE: '1' }),
        });
      } catch (err) {
        if (opts.signal?.aborted) throw new InputError(`download of ${url} was cancelled`);
        if (err instanceof OutputTooLarge) throw new InputError(`${url} describes its video in more than ${mb(PAGE_JSON_MAX_BYTES)} MB: not read`);
        if (!(err instanceof ProcessError) || err.environmentFault) throw err;
        // A refused address is said as any unreachable one: nothing to map a network by.
        if (proxy?.refusals) throw unreachable();
        if (proxy?.overCap) throw new InputError(`${url} is over the ${mb(this.limits.maxBytes)} MB download cap`);
        if (proxy?.stalled) throw new InputError(`download of ${url} stalled (less than ${MIN_BYTES_PER_SEC} bytes a second)`);
        const words = pageFailure(err.stderrTail, url);
        if (words) throw new InputError(words);
        if (err.signal === 'SIGKILL') throw new InputError(`download of ${url} took longer than ${Math.round(this.limits.timeoutMs / 60_000)} minutes`);
        if (policy !== 'any' && /Unable to connect|Connection refused|Name or service not known|Failed to resolve|proxy/i.test(err.stderrTail))
          throw unreachable();
        const last = err.stderrTail
          .split('\n')
          .filter((l) => l.startsWith('ERROR:'))
          .pop();
        throw new InputError(`could not read the page ${url}: ${(last ?? err.message).replace(/^ERROR:\s*/, '')}`);
      }
    };
    try {
      opts.onProgress?.(0, 'reading the page');
      const { stdout } = await run(['--dump-single-json', '--', url], undefined, PAGE_JSON_MAX_BYTES);
      const meta = PageMetadataSchema.parse(JSON.parse(stdout));
      checkPage(meta, url, opts.maxDurationSec ?? Number.POSITIVE_INFINITY);
      const fetchable = fetchableFormats(meta, url);
      const page = pageInfo(meta, url);
      const captions = opts.captions === false ? undefined : chooseCaptions(meta);
      // The download reuses what was read: the page is not fetched twice.
      const infoFile = join(dir, 'info.json');
      await writeFile(infoFile, fetchable === meta ? stdout : JSON.stringify(fetchable));
      const height = opts.maxHeight ?? 1080;
      let finalFile: string | undefined;
      const warnings: string[] = [];
      await run(
        [
          '--load-info-json',
          infoFile,
          '-f',
          `bv*[height<=?${height}]+ba/b[height<=?${height}]/bv*+ba/b`,
          '-S',
          `res:${height},vcodec:h264,acodec:aac`,
          '--merge-output-format',
          'mp4',
          '-o',
          join(dir, 'video.%(ext)s'),
          ...captionArgs(captions),
          '--print',
          'after_move:clipforge-file %(filepath)s',
          '--newline',
          '--progress-template',
          'download:clipforge-progress %(progress.downloaded_bytes)s %(progress.total_bytes)s %(progress.total_bytes_estimate)s %(progress.filename)s',
        ],
        (line) => {
          const file = FINAL_FILE.exec(line.trim());
          if (file) finalFile = file[1];
          if (line.startsWith('WARNING:')) warnings.push(line.replace(/^WARNING:\s*/, ''));
          const m = PROGRESS.exec(line.trim());
          if (!m) return;
          const done = Number(m[1]);
          const total = Number(m[2]) || Number(m[3]) || 0;
          const what = /\.(vtt|srt)$/.test(m[4]!) ? 'captions' : /\.f\d+\.\w+$/.test(m[4]!) ? 'video and audio' : 'video';
          opts.onProgress?.(total ? Math.min(1, done / total) : 0, `downloading ${what}: ${mb(done)}${total ? ` of ${mb(total)}` : ''} MB`);
        },
      );
      const broken = warnings.find((w) => BROKEN_DOWNLOAD.test(w));
      // Not the user's fault: this installation's FFmpeg could not join the streams.
      if (broken)
        throw new Error(
          `this installation could not join the page's separate video and audio streams (FFmpeg at ${mediaBinaries().ffmpeg}): yt-dlp said: ${broken}`,
        );
      // The path yt-dlp wrote, not a guess from the folder (a guess took the video-only part).
      const video = finalFile && resolve(finalFile).startsWith(`${dir}/`) && existsSync(finalFile) ? relative(dir, resolve(finalFile)) : undefined;
      if (!video) throw new InputError(`no video was found on ${url}`);
      const files = await readdir(dir);
      await rename(join(dir, video), dest);
      const track = captions && files.find((f) => f.startsWith(`video.${captions.lang}.`) && /\.(vtt|srt)$/.test(f));
      // A page's caption track is read only up to the cap any caption file has (a 60 MB track was read whole).
      const fits = track ? (await stat(join(dir, track))).size <= MAX_CAPTION_BYTES : false;
      const text = track && fits ? await readFile(join(dir, track), 'utf8') : undefined;
      return { page, captions: text && captions ? { text, language: captions.lang.replace(/-orig$/, ''), automatic: captions.automatic } : undefined };
    } finally {
      await rm(dir, { recursive: true, force: true });
      await proxy?.close();
    }
  }

  /** What every run takes: no user config, no cache, bounded retries and sizes, FFmpeg and Node named. */
  private common(proxyUrl: string | undefined): string[] {
    const stallSec = Math.max(1, Math.round((this.limits.stallMs ?? DEFAULT_DOWNLOAD_LIMITS.stallMs!) / 1000));
    return [
      '--ignore-config',
      '--no-cache-dir',
      '--no-playlist',
      '--quiet',
      '--progress',
      '--no-mtime',
      '--socket-timeout',
      String(stallSec),
      '--retries',
      '2',
      '--fragment-retries',
      '2',
      // A fragment that cannot be had fails the download (by default it is skipped: a video with holes).
      '--abort-on-unavailable-fragments',
      '--extractor-retries',
      '1',
      // Slower than the fetcher's minimum rate for a whole stall window: stalled (download.ts).
      '--throttled-rate',
      `${MIN_BYTES_PER_SEC}`,
      '--max-filesize',
      String(this.limits.maxBytes),
      '--ffmpeg-location',
      mediaBinaries().ffmpeg,
      // YouTube's JavaScript challenges run on this very Node (yt-dlp-ejs holds the scripts).
      '--js-runtimes',
      `node:${process.execPath}`,
      '--no-remote-components',
      // yt-dlp's own downloaders only: an outside one (FFmpeg for SAMPLE-AES HLS, rtmpdump) would not go through the proxy.
      '--downloader',
      'native',
      ...(proxyUrl ? ['--proxy', proxyUrl] : []),
    ];
  }
}

function captionArgs(choice: CaptionChoice | undefined): string[] {
  if (!choice) return [];
  return [choice.automatic ? '--write-auto-subs' : '--write-subs', '--sub-langs', choice.lang, '--sub-format', 'vtt/srt/best', '--convert-subs', 'vtt'];
}

/** The environment without no_proxy/NO_PROXY: every request yt-dlp makes goes to the guarded proxy. */
export function withoutProxyExceptions(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { no_proxy: _a, NO_PROXY: _b, ...rest } = env;
  return rest;
}
