// The single FFmpeg pass that turns a source range into a finished vertical clip.
import type { RenderSpec } from '../core/ports.ts';
import { cropFilter } from './cropGeometry.ts';

export const ENCODE = {
  preset: 'veryfast',
  crf: 21,
  audioBitrate: '128k',
  audioRate: 48000,
  loudnorm: 'loudnorm=I=-14:TP=-2:LRA=11',
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

export function renderArgs(spec: RenderSpec, outPath: string): string[] {
  const video = [
    cropFilter(spec.crop, spec.source, spec.start),
    `scale=${spec.output.width}:${spec.output.height}:flags=lanczos`,
    'setsar=1',
    `ass=filename=${filterPath(spec.assFile)}`,
    'format=yuv420p',
  ].join(',');
  // loudnorm works at 192 kHz internally; bring it back and pin the layout, or mono sources fail.
  const audio = `${ENCODE.loudnorm},aresample=${ENCODE.audioRate},aformat=sample_fmts=fltp:channel_layouts=stereo`;
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
    '-i',
    spec.input,
    '-filter_complex',
    `[0:v:0]${video}[v];[0:a:0]${audio}[a]`,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
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
