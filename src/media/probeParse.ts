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
        start_time: num.optional(),
        color_transfer: z.string().optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).optional(),
        sample_aspect_ratio: z.string().optional(),
        field_order: z.string().optional(),
        side_data_list: z.array(z.looseObject({ rotation: num.optional() })).optional(),
        tags: z.looseObject({ rotate: num.optional() }).optional(),
      }),
    )
    .default([]),
});

/**
 * The picture as players show it: stored pixels widened by their aspect (720x576 at 4:3 is shown
 * 960x576) and turned by the display rotation (a phone's 1920x1080 at 90° is shown 1080x1920).
 * FFmpeg turns the frames itself when decoding; the pixel aspect is made square in the render.
 */
function displayed(v: z.infer<typeof FfprobeSchema>['streams'][number] & { width: number; height: number }): NonNullable<ProbeResult['video']> {
  const sar = pixelAspect(v.sample_aspect_ratio);
  const rotation = v.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? v.tags?.rotate ?? 0;
  const quarterTurn = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const [w, h] = [sar === 1 ? v.width : even(v.width * sar), v.height];
  return {
    codec: v.codec_name ?? '?',
    width: quarterTurn ? h : w,
    height: quarterTurn ? w : h,
    fps: rate(v.avg_frame_rate) || rate(v.r_frame_rate),
    ...(v.nb_frames ? { frames: v.nb_frames } : {}),
    ...(rotation ? { rotation } : {}),
    ...(sar !== 1 ? { sar } : {}),
    ...(v.field_order && INTERLACED.has(v.field_order) ? { interlaced: true } : {}),
    ...(v.start_time !== undefined ? { startTime: v.start_time } : {}),
    ...(HDR_TRANSFERS[v.color_transfer ?? ''] ? { hdr: HDR_TRANSFERS[v.color_transfer ?? '']! } : {}),
  };
}

function audioOf(a: z.infer<typeof FfprobeSchema>['streams'][number]): NonNullable<ProbeResult['audio']> {
  return {
    codec: a.codec_name ?? '?',
    channels: a.channels ?? 0,
    sampleRate: a.sample_rate ?? 0,
    ...(a.start_time !== undefined ? { startTime: a.start_time } : {}),
  };
}

function rate(r: string | undefined): number {
  if (!r) return 0;
  const [a, b] = r.split('/').map(Number);
  return b ? a! / b : (a ?? 0);
}

/** Width over height of one stored pixel ("4:3" → 1.333); 1 when unset or "0:1". */
function pixelAspect(sar: string | undefined): number {
  const [a, b] = (sar ?? '').split(':').map(Number);
  return a && b && a > 0 && b > 0 ? a / b : 1;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
/** Interlaced field orders as ffprobe names them (top or bottom field first, coded either way). */
const INTERLACED = new Set(['tt', 'bb', 'tb', 'bt']);
/** HDR transfer functions as ffprobe names them: PQ (HDR10, Dolby Vision's base) and HLG (what iPhones record). */
const HDR_TRANSFERS: Record<string, 'pq' | 'hlg'> = { smpte2084: 'pq', 'arib-std-b67': 'hlg' };

export function parseProbe(json: string): ProbeResult {
  const data = FfprobeSchema.parse(JSON.parse(json));
  const v = data.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audios = data.streams.filter((s) => s.codec_type === 'audio');
  const a = audios[0];
  const duration = data.format?.duration ?? Math.max(v?.duration ?? 0, a?.duration ?? 0);
  return {
    formatName: data.format?.format_name ?? 'unknown',
    duration: Number.isFinite(duration) ? duration : 0,
    ...(v?.width && v.height ? { video: displayed(v as Required<Pick<typeof v, 'width' | 'height'>> & typeof v) } : {}),
    ...(a ? { audio: audioOf(a) } : {}),
    ...(audios.length > 1 ? { audioTracks: audios.map(audioOf) } : {}),
  };
}
