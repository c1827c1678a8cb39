// Where FFmpeg comes from: an explicit override, then ffmpeg-static's binary when its download
// ran, then the system's. ffprobe always comes from the system (ffmpeg-static has none).
// Every name is resolved to an absolute path here, once: tools that are handed FFmpeg's location
// (yt-dlp's --ffmpeg-location) take a bare name as a path that "does not exist" and then quietly
// skip merging separate video and audio streams.
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

function staticFfmpeg(): string | undefined {
  try {
    const path = require('ffmpeg-static') as string | null;
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** `name` as an absolute path: a path is made absolute, a bare name looked up on PATH; kept as given when not found (the run then says so). */
export function resolveExecutable(name: string, path = process.env.PATH ?? ''): string {
  if (name.includes('/')) return isAbsolute(name) ? name : resolve(name);
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return name;
}

let cached: { ffmpeg: string; ffprobe: string } | undefined;

export function mediaBinaries(): { ffmpeg: string; ffprobe: string } {
  cached ??= {
    ffmpeg: resolveExecutable(process.env.CLIPFORGE_FFMPEG ?? staticFfmpeg() ?? 'ffmpeg'),
    ffprobe: resolveExecutable(process.env.CLIPFORGE_FFPROBE ?? 'ffprobe'),
  };
  return cached;
}
