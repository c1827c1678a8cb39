// Where FFmpeg comes from: an explicit override, then ffmpeg-static's binary when its download
// ran, then the system's. ffprobe always comes from the system (ffmpeg-static has none).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function staticFfmpeg(): string | undefined {
  try {
    const path = require('ffmpeg-static') as string | null;
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

let cached: { ffmpeg: string; ffprobe: string } | undefined;

export function mediaBinaries(): { ffmpeg: string; ffprobe: string } {
  cached ??= {
    ffmpeg: process.env.CLIPFORGE_FFMPEG ?? staticFfmpeg() ?? 'ffmpeg',
    ffprobe: process.env.CLIPFORGE_FFPROBE ?? 'ffprobe',
  };
  return cached;
}
