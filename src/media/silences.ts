// Pauses in an audio file, from FFmpeg's silencedetect.
import { mediaBinaries } from './binaries.ts';
import { runProcess } from './runProcess.ts';

export interface Pause {
  start: number;
  end: number;
}

export async function findPauses(audio: string, opts: { noiseDb?: number; minSec?: number } = {}): Promise<Pause[]> {
  const pauses: Pause[] = [];
  let open: number | undefined;
  await runProcess(
    mediaBinaries().ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'info',
      '-i',
      audio,
      '-vn',
      '-af',
      `silencedetect=noise=${opts.noiseDb ?? -35}dB:d=${opts.minSec ?? 0.3}`,
      '-f',
      'null',
      '-',
    ],
    {
      captureStdout: false,
      timeoutMs: 3600_000,
      onStderrLine: (line) => {
        const s = /silence_start: (-?[\d.]+)/.exec(line);
        if (s) open = Math.max(0, Number(s[1]));
        const e = /silence_end: ([\d.]+)/.exec(line);
        if (e && open !== undefined) {
          pauses.push({ start: open, end: Number(e[1]) });
          open = undefined;
        }
      },
    },
  );
  return pauses;
}
