// A loopback web site with video pages, as yt-dlp's generic extractor meets them on the web: an
// HTML5 <video> with a <track kind="captions">, a page with no video, a page that never finishes,
// a page whose JSON-LD says the video is hours long, and a video that trickles. Every request is
// counted, so a test can tell what was (never) fetched.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageSite {
  base: string;
  /** Requests per path, in order ("HEAD /x" for other methods than GET). */
  hits: string[];
  close(): Promise<void>;
}

const page = (title: string, body: string, head = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body><h1>${title}</h1>${body}</body></html>`;

/**
 * `streams`: a folder with the talk as separate video and audio streams (test/helpers/media.ts
 * separateStreams): `/dash.html` plays its DASH manifest, `/hls.html` its HLS master playlist, as
 * YouTube and most video sites serve every format above 360p.
 */
export async function startPageSite(opts: {
  video: string;
  vtt: string;
  host?: string;
  videoBase?: string;
  redirectTo?: string;
  streams?: string;
}): Promise<PageSite> {
  const hits: string[] = [];
  const size = statSync(opts.video).size;
  const open = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(req.method === 'GET' ? path : `${req.method} ${path}`);
    const video = `${opts.videoBase ?? ''}/talk.mp4`;
    const here = `http://${req.headers.host}`;
    switch (path) {
      case '/talk.html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(
          page('Why Your First Idea Is Wrong', `<video controls src="${video}"><track kind="captions" srclang="en" label="English" src="/talk.vtt"></video>`),
        );
      case '/long.html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(
          page(
            'A Five Hour Stream',
            // Described by schema.org JSON-LD, as news and video sites do: the length is known before any download.
            '<p>Watch the stream.</p>',
            `<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'VideoObject', name: 'A Five Hour Stream', description: 'long', duration: 'PT5H', uploadDate: '2026-01-01', thumbnailUrl: `${here}/t.jpg`, contentUrl: `${opts.videoBase ?? here}/talk.mp4` })}</script>`,
          ),
        );
      case '/none.html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(page('Just Text', '<p>No video here, only words.</p>'));
      case '/never.html':
        // Headers and a first chunk, then nothing: a page that never finishes loading.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.write('<!doctype html><html><head><title>Still loading');
      case '/drip.html': {
        // A byte every 300 ms: never silent long enough for a socket timeout, far too slow to be a page.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        const drip = setInterval(() => res.write(' '), 300);
        res.on('close', () => clearInterval(drip));
        return void res.write('<!doctype html><html><head><title>Drip');
      }
      case '/away.html':
        res.writeHead(302, { location: opts.redirectTo ?? '/talk.html' });
        return void res.end();
      case '/dash.html':
      case '/hls.html': {
        const manifest = path === '/dash.html' ? 'talk.mpd' : 'master.m3u8';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(page('Streams Apart', `<video controls src="/streams/${manifest}"></video>`));
      }
      case '/talk.vtt':
        res.writeHead(200, { 'content-type': 'text/vtt' });
        return void res.end(opts.vtt);
      case '/talk.mp4': {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
        return void createReadStream(opts.video).pipe(res);
      }
      case '/trickle.mp4':
        // A first megabyte quickly, then a byte every few seconds.
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
        res.write(Buffer.alloc(Math.min(size - 1, 1024 * 1024)));
        return;
      case '/trickle.html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(page('Slow Video', `<video controls src="/trickle.mp4"></video>`));
      default: {
        const file = opts.streams && path.startsWith('/streams/') ? join(opts.streams, basename(path)) : undefined;
        if (file && existsSync(file)) {
          const type = file.endsWith('.mpd') ? 'application/dash+xml' : file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'application/octet-stream';
          res.writeHead(200, { 'content-type': type, 'content-length': String(statSync(file).size) });
          return void createReadStream(file).pipe(res);
        }
        res.writeHead(404, { 'content-type': 'text/html' }).end(page('Not Found', '<p>Nothing here.</p>'));
      }
    }
  });
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', r));
  return {
    base: `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`,
    hits,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** WebVTT cues spreading `sentences` evenly over `durationSec`. */
export function vttOf(sentences: string[], durationSec: number): string {
  const step = durationSec / sentences.length;
  const ts = (t: number) => new Date(t * 1000).toISOString().slice(11, 23);
  return `WEBVTT\n\n${sentences.map((s, i) => `${ts(i * step)} --> ${ts((i + 1) * step - 0.05)}\n${s}\n`).join('\n')}`;
}
