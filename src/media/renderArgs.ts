// The single FFmpeg pass that turns a source range into a finished clip: framed (a crop that
// follows the face, or the whole frame over a blurred fill), captioned, encoded.
import { sourceInput } from './sourceRead.ts';
import type { RenderSpec } from '../core/ports.ts';
import { cropFilter } from './cropGeometry.ts';
import { splitParts } from './frames.ts';
import { LOUDNESS, gainFilter } from './loudness.ts';

export const ENCODE = {
  preset: 'veryfast',
  crf: 21,
  audioBitrate: '128k',
  audioRate: 48000,
} as const;

/**
 * A file path as a filter option value inside a filtergraph: escaped once for the option
 * parser (backslash, quote, colon) and again for the graph parser (backslash, quote, brackets,
 * comma, semicolon), as FFmpeg's filtergraph escaping notes prescribe.
 */
export function filterPath(path: string): string {
  const option = path.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** The fill behind a fitted frame: the frame itself, blurred and darkened (a sharp copy would compete with it). */
export const FIT_FILL = { blur: 'gblur=sigma=30', darken: 'eq=brightness=-0.18:saturation=0.85' } as const;

/**
 * HDR (PQ, HLG) to SDR BT.709: to linear light, BT.2020 to BT.709 primaries, Hable's curve, back
 * to BT.709's transfer. Without it an iPhone's HLG clip came out 8-bit still tagged HLG: washed-out
 * grey shown as SDR, and the burned caption colours wrong (the yellow highlight turned orange).
 */
export const TONE_MAP = 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p';

/** Below this frame rate a source (a podcast's still cover, a slideshow) is brought to OUTPUT_FPS: whole 1-s frames ran past the audio. */
const MIN_SOURCE_FPS = 20;
const OUTPUT_FPS = 30;

/**
 * The source as displayed, before any framing: fields woven into frames (bwdif: combing on every
 * moving edge, magnified by the upscale, otherwise), HDR tone-mapped to SDR, black bars cut, pixels made square (a 4:3-pixel DV frame was
 * squeezed to 3/4 width), a low frame rate evened out. FFmpeg turns rotated phone video itself.
 */
export function displayFilters(source: RenderSpec['source']): string {
  const steps = [
    source.interlaced ? 'bwdif=mode=send_frame' : '',
    source.hdr ? TONE_MAP : '',
    source.bars ? `crop=${source.bars.w}:${source.bars.h}:${source.bars.x}:${source.bars.y}` : '',
    source.sar && source.sar !== 1 ? 'scale=trunc(iw*sar/2)*2:ih,setsar=1' : '',
    // start_time=0: a frame that began before the cut point is held from the clip's first instant.
    source.fps && source.fps < MIN_SOURCE_FPS ? `fps=${OUTPUT_FPS}:start_time=0` : '',
  ].filter(Boolean);
  return steps.length ? `${steps.join(',')},` : '';
}

/** The video half of the filter graph, from [0:v:0] to [v]. */
export function videoGraph(spec: RenderSpec): string {
  const { width: W, height: H } = spec.output;
  const prep = displayFilters(spec.source);
  const captions = `ass=filename=${filterPath(spec.assFile)},format=yuv420p`;
  if (spec.layout === 'fit') {
    // The whole source frame, as large as fits, centred over a blurred fill of itself. The fill is
    // made small and blurred there, then scaled up: blurring a full 1080x1920 frame costs 10x more.
    return [
      `[0:v:0]${prep}setsar=1,split=2[fill][front]`,
      `[fill]scale=${Math.round(W / 4)}:${Math.round(H / 4)}:force_original_aspect_ratio=increase,crop=${Math.round(W / 4)}:${Math.round(H / 4)},${FIT_FILL.blur},${FIT_FILL.darken},scale=${W}:${H}[bg]`,
      `[front]scale=${W}:${H}:force_original_aspect_ratio=decrease:flags=lanczos,setsar=1[fg]`,
      `[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1,${captions}[v]`,
    ].join(';');
  }
  const pair = spec.crop.pair;
  if (spec.layout === 'split' && pair?.left && pair.right && pair.crop) {
    // A part per person, each its own moving crop, stacked (tall frames) or side by side (wide).
    const { stack, parts } = splitParts(spec.output);
    const part = (path: typeof pair.left, size: { w: number; h: number }, label: string) =>
      `[${label}]${cropFilter({ crop: pair.crop!, path: path!, fallback: null }, spec.source, spec.start)},scale=${size.w}:${size.h}:flags=lanczos,setsar=1[${label}p]`;
    return ['[0:v:0]split=2[a][b]', part(pair.left, parts[0], 'a'), part(pair.right, parts[1], 'b'), `[ap][bp]${stack}=inputs=2,setsar=1,${captions}[v]`].join(
      ';',
    );
  }
  return `[0:v:0]${prep}${[cropFilter(spec.crop, spec.source, spec.start), `scale=${W}:${H}:flags=lanczos`, 'setsar=1', captions].join(',')}[v]`;
}

export function renderArgs(spec: RenderSpec, outPath: string): string[] {
  // Resampled to 48 kHz (loudnorm works at 192 kHz) with the layout pinned, or mono sources fail.
  // The measured gain and a peak limiter (src/media/loudness.ts); without a measurement, one-pass loudnorm.
  const level = spec.gainDb === undefined ? `loudnorm=I=${LOUDNESS.I}:TP=${LOUDNESS.TP}:LRA=11` : gainFilter(spec.gainDb);
  const audio = `${level},aresample=${ENCODE.audioRate},aformat=sample_fmts=fltp:channel_layouts=stereo`;
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-v',
    'error',
    '-ss',
    spec.start.toFixed(3),
    '-t',
    spec.duration.toFixed(3),
    ...sourceInput(spec.input),
    '-filter_complex',
    `${videoGraph(spec)};[0:a:${spec.audioTrack ?? 0}]${audio}[a]`,
    '-map',
    '[v]',
    '-map',
    '[a]',
    // The clip's length for both streams: a source of whole 1-s frames ran past its audio.
    '-t',
    spec.duration.toFixed(3),
    '-c:v',
    'libx264',
    // Tagged as what it is: SDR BT.709, limited range.
    ...['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    '-preset',
    ENCODE.preset,
    '-crf',
    String(ENCODE.crf),
    '-profile:v',
    'high',
    '-c:a',
    'aac',
    '-b:a',
    ENCODE.audioBitrate,
    '-ar',
    String(ENCODE.audioRate),
    '-movflags',
    '+faststart',
    '-progress',
    'pipe:1',
    '-nostats',
    '-f',
    'mp4',
    outPath,
  ];
}
