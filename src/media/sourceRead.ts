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
  // One picture each (a still image is then refused as one, in those words). image2 also opens
  // a .jpg/.png by its name, but reads numbered sequences when the name has a pattern: sourceInput
  // adds it only for names without one.
  'jpeg_pipe',
  'png_pipe',
  'webp_pipe',
  'bmp_pipe',
  'tiff_pipe',
  'gif',
  // Caption formats: read as text only, so a caption file given as the video is told as one (ingest).
  'srt',
  'webvtt',
  'ass',
  'subviewer',
  'microdvd',
  'sami',
].join(',');

/** httpproxy: https through a forward proxy (the Lambda's loopback proxy) is a CONNECT tunnel. */
const URL_PROTOCOLS = 'http,https,tcp,tls,httpproxy';

/** The input options and `-i` for reading `input` (a path or a presigned/http(s) URL) as media only. */
export function sourceInput(input: string): string[] {
  const protocols = /^https?:\/\//i.test(input) ? URL_PROTOCOLS : 'file';
  const formats = /[%*?[]/.test(input.replace(/\?.*$/, '')) ? SOURCE_FORMATS : `${SOURCE_FORMATS},image2`;
  // A dropped connection to a presigned URL resumes where it was (FFmpeg 4.1 and later know these).
  const reconnect = protocols === 'file' ? [] : ['-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '10'];
  return ['-protocol_whitelist', protocols, '-format_whitelist', formats, ...reconnect, '-i', input];
}

/** ffprobe's options before the input, the same rule. */
export function sourceProbeOptions(input: string): string[] {
  return sourceInput(input).slice(0, -2);
}

/** Demuxers that read other files or URLs named inside the input. */
const INDIRECTIONS = new Set(['hls', 'applehttp', 'dash', 'concat', 'ffconcat', 'image2', 'webm_dash_manifest', 'tee']);

/**
 * Why FFmpeg refused the input under these rules, in words; undefined when it did not.
 * FFmpeg says `[hls @ 0x…] Format not on whitelist …` or `Protocol 'file' not on whitelist …`.
 */
export function whitelistRefusal(stderr: string): string | undefined {
  const format = /\[([\w]+) @ [^\]]*\] Format not on whitelist/.exec(stderr)?.[1];
  if (format)
    return INDIRECTIONS.has(format)
      ? 'it is a playlist or a list of other files (HLS, DASH, concat), not a video file'
      : `its format (${format}) is not a video format clipforge reads`;
  if (/not on (?:the )?(?:format |protocol )?whitelist/i.test(stderr)) return 'it refers to other files or addresses, which are not read';
  return undefined;
}
