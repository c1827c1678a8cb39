// ffprobe's JSON, validated: only the fields the pipeline relies on.
import { z } from 'zod';
import type { ProbeResult } from '../core/ports.ts';

const num = z.union([z.number(), z.string()]).transform(Number).pipe(z.number());

const FfprobeSchema = z.object({
  format: z.object({ format_name: z.string(), duration: num.optional() }).optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        avg_frame_rate: z.string().optional(),
        r_frame_rate: z.string().optional(),
        nb_frames: num.optional(),
        duration: num.optional(),
        channels: z.number().optional(),
        sample_rate: num.optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).optional(),
      }),
    )
    .default([]),
});

function rate(r: string | undefined): number {
  if (!r) return 0;
  const [a, b] = r.split('/').map(Number);
  return b ? a! / b : (a ?? 0);
}

export function parseProbe(json: string): ProbeResult {
  const data = FfprobeSchema.parse(JSON.parse(json));
  const v = data.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = data.streams.find((s) => s.codec_type === 'audio');
  const duration = data.format?.duration ?? Math.max(v?.duration ?? 0, a?.duration ?? 0);
  return {
    formatName: data.format?.format_name ?? 'unknown',
    duration: Number.isFinite(duration) ? duration : 0,
    ...(v?.width && v.height
      ? {
          video: {
            codec: v.codec_name ?? '?',
            width: v.width,
            height: v.height,
            fps: rate(v.avg_frame_rate) || rate(v.r_frame_rate),
            ...(v.nb_frames ? { frames: v.nb_frames } : {}),
          },
        }
      : {}),
    ...(a ? { audio: { codec: a.codec_name ?? '?', channels: a.channels ?? 0, sampleRate: a.sample_rate ?? 0 } } : {}),
  };
}
