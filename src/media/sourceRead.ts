// How FFmpeg may read a source someone else gave us: as media, and nothing else. FFmpeg knows a
// playlist by its content whatever the file is called, and follows what it lists: an uploaded
// 130-byte "holiday.mp4" that was an HLS playlist of `file:` segments came back as clips of
// another file on the server. So every read of a source names the demuxers it may use (video
// containers only: no HLS, DASH, concat/ffconcat, image sequences or other indirections) and the
// protocols (a local file: `file` only; a URL: the http family). Page links are fetched by yt-dlp
// and handed over as one merged file, which is read under the same rule.

/** Demuxers of video containers and raw streams: none of them opens another file or URL. */
export const SOURCE_FORMATS = [
  'mov,mp4,m4a,3gp,3g2,mj2',
  'matroska,webm',
  'avi',
  'flv',
  'mpegts',
  'mpeg',
  'mpegvideo',
  'asf',
  'mxf',
  'ogg',
  'nut',
  'dv',
  'gxf',
  'rm',
  'ivf',
  'h264',
  'hevc',
  'm4v',
  'wav',
  'mp3',
  'aac',
  'flac',
].join(',');

const URL_PROTOCOLS = 'http,https,tcp,tls';

/** The input options and `-i` for reading `input` (a path or a presigned/http(s) URL) as media only. */
export function sourceInput(input: string): string[] {
  const protocols = /^https?:\/\//i.test(input) ? URL_PROTOCOLS : 'file';
  return ['-protocol_whitelist', protocols, '-format_whitelist', SOURCE_FORMATS, '-i', input];
}

/** ffprobe's options before the input, the same rule. */
export function sourceProbeOptions(input: string): string[] {
  return sourceInput(input).slice(0, -2);
}

/** FFmpeg refused the input because its format or a protocol it needs is not allowed. */
export function refusedByWhitelist(stderr: string): boolean {
  return /not on (?:the )?(?:format |protocol )?whitelist/i.test(stderr);
}
