// The Encoder port on FFmpeg/ffprobe subprocesses.
import { open, stat } from 'node:fs/promises';
import { MediaReadError, ProcessError } from '../../core/errors.ts';
import type { Encoder, OnProgress, ProbeResult, RenderSpec } from '../../core/ports.ts';
import { mediaBinaries } from '../../media/binaries.ts';
import { sourceInput, sourceProbeOptions, whitelistRefusal } from '../../media/sourceRead.ts';
import { ffmpegEnv } from '../../media/loopbackProxy.ts';
import { parseProbe } from '../../media/probeParse.ts';
import { findGain, measureArgs, parseIntegrated } from '../../media/loudness.ts';
import { BAR_SAMPLES, type Bars, barsFrom, cropdetectArgs, parseCropdetect } from '../../media/bars.ts';
import { renderArgs } from '../../media/renderArgs.ts';
import { runProcess } from '../../media/runProcess.ts';
import { type Pause, findPauses } from '../../media/silences.ts';

/** Calls back with the fraction done from FFmpeg's `-progress pipe:1` lines. */
function progressReader(totalSec: number, onProgress?: OnProgress): (line: string) => void {
  return (line) => {
    const m = /^out_time_us=(\d+)/.exec(line);
    if (m && onProgress && totalSec > 0) onProgress(Math.min(1, Number(m[1]) / 1e6 / totalSec));
  };
}

/** Below this, audio and video start together (a frame or two is how containers round). */
const OFFSET_TOLERANCE_SEC = 0.05;

/**
 * The speech track on the video's clock: audio that starts after the video (screen recorders,
 * edited exports, cut transport streams) is preceded by that much silence, audio that starts
 * before it loses the part before the first frame. Without it every transcript time was off by
 * the offset, and captions ran ahead of the speech (1.9 s measured).
 */
export function alignToVideo(p: ProbeResult): string | undefined {
  const offset = (p.audio?.startTime ?? 0) - (p.video?.startTime ?? 0);
  if (Math.abs(offset) < OFFSET_TOLERANCE_SEC) return undefined;
  return offset > 0 ? `adelay=${Math.round(offset * 1000)}:all=1` : `atrim=start=${(-offset).toFixed(3)},asetpts=PTS-STARTPTS`;
}

export class FfmpegEncoder implements Encoder {
  /** `signal` (a job's cancellation) kills whatever FFmpeg is running for it. */
  constructor(
    private readonly bins = mediaBinaries(),
    private readonly signal?: AbortSignal,
  ) {}

  /** Cancellation and the environment every FFmpeg child runs with. */
  private async run(): Promise<{ signal?: AbortSignal; env: NodeJS.ProcessEnv }> {
    return { env: await ffmpegEnv(), ...(this.signal ? { signal: this.signal } : {}) };
  }

  async probe(path: string): Promise<ProbeResult> {
    try {
      const { stdout } = await runProcess(
        this.bins.ffprobe,
        ['-v', 'error', ...sourceProbeOptions(path), '-print_format', 'json', '-show_format', '-show_streams', path],
        {
          timeoutMs: 60_000,
          ...(await this.run()),
        },
      );
      return parseProbe(stdout);
    } catch (err) {
      if (!(err instanceof ProcessError) || err.code === null || err.environmentFault) throw err;
      const tail = err.stderrTail.trim();
      const refused = whitelistRefusal(tail);
      if (refused) throw new MediaReadError(refused, false);
      const reason =
        tail
          .split('\n')
          .pop()
          ?.replace(/^.*?: /, '') ?? 'unreadable';
      // "moov atom not found" means an MP4 cut short only if the file really starts like an MP4.
      const cut = /end of file|truncat|partial file/i.test(tail) || (/moov atom not found/.test(tail) && (await looksLikeIsoMedia(path)));
      throw new MediaReadError(cut ? `${/moov atom not found/.test(tail) ? 'moov atom not found' : reason}` : reason, cut);
    }
  }

  /** A reading pass (cropdetect, ebur128): FFmpeg in the background, what it printed kept. */
  private async analyse(args: string[], timeoutMs: number): Promise<string> {
    const { stderrTail } = await runProcess(this.bins.ffmpeg, args, { captureStdout: false, timeoutMs, background: true, ...(await this.run()) });
    return stderrTail;
  }

  async detectBars(input: string, duration: number, frame: { width: number; height: number }): Promise<Bars | undefined> {
    const crops: Array<Bars | undefined> = [];
    for (const share of BAR_SAMPLES) crops.push(parseCropdetect(await this.analyse(cropdetectArgs(input, Math.max(0, duration * share - 1.5)), 60_000)));
    return barsFrom(crops, frame);
  }

  async trackLoudness(input: string, track: number, seconds: number): Promise<number | undefined> {
    const lufs = parseIntegrated(await this.analyse(measureArgs(input, { start: 0, duration: seconds }, track), Math.max(120_000, seconds * 5_000)));
    // ebur128 floors silence at -70 LUFS.
    return lufs === undefined || lufs <= -69.9 ? undefined : lufs;
  }

  async extractSpeech(input: string, outWav: string, onProgress?: OnProgress, track = 0): Promise<number> {
    const probed = await this.probe(input);
    const total = probed.duration;
    const align = alignToVideo(probed);
    await runProcess(
      this.bins.ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-y',
        '-v',
        'error',
        ...sourceInput(input),
        '-map',
        `0:a:${track}`,
        '-vn',
        ...(align ? ['-af', align] : []),
        '-ac',
        '1',
        '-ar',
        '16000',
        '-c:a',
        'pcm_s16le',
        '-progress',
        'pipe:1',
        '-nostats',
        '-f',
        'wav',
        outWav,
      ],
      {
        captureStdout: false,
        onStdoutLine: progressReader(total, onProgress),
        timeoutMs: Math.max(120_000, total * 1000),
        background: true,
        ...(await this.run()),
      },
    );
    const bytes = (await stat(outWav)).size;
    return Math.max(0, bytes - 44) / (16000 * 2);
  }

  async render(spec: RenderSpec, outPath: string, onProgress?: OnProgress): Promise<void> {
    // Measure, then set the gain: reads of the clip's audio only (src/media/loudness.ts).
    const gainDb = spec.gainDb ?? (await this.loudnessGain(spec));
    await runProcess(this.bins.ffmpeg, renderArgs({ ...spec, gainDb }, outPath), {
      captureStdout: false,
      onStdoutLine: progressReader(spec.duration, onProgress),
      // Generous: a slow machine encodes 1080x1920 well below real time.
      timeoutMs: Math.max(300_000, spec.duration * 30_000),
      background: true,
      ...(await this.run()),
    });
  }

  /** The gain that brings the clip's audio to the loudness target. */
  async loudnessGain(spec: Pick<RenderSpec, 'input' | 'start' | 'duration' | 'audioTrack'>): Promise<number> {
    const timeout = Math.max(120_000, spec.duration * 10_000);
    return findGain(async (gainDb) => parseIntegrated(await this.analyse(measureArgs(spec.input, spec, spec.audioTrack ?? 0, gainDb), timeout)));
  }

  pauses(audio: string): Promise<Pause[]> {
    return findPauses(audio);
  }

  async cutAudio(input: string, outWav: string, start: number, end: number): Promise<void> {
    await runProcess(
      this.bins.ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-y',
        '-v',
        'error',
        '-ss',
        start.toFixed(3),
        '-t',
        (end - start).toFixed(3),
        '-i',
        input,
        '-ac',
        '1',
        '-ar',
        '16000',
        '-c:a',
        'pcm_s16le',
        '-f',
        'wav',
        outWav,
      ],
      { timeoutMs: 600_000, ...(await this.run()) },
    );
  }

  async thumbnail(video: string, at: number, outJpeg: string): Promise<void> {
    await runProcess(
      this.bins.ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-y',
        '-v',
        'error',
        '-ss',
        at.toFixed(3),
        '-i',
        video,
        '-frames:v',
        '1',
        '-vf',
        'scale=540:-2',
        '-q:v',
        '3',
        '-f',
        'image2',
        outJpeg,
      ],
      { timeoutMs: 60_000, ...(await this.run()) },
    );
  }
}

/** ISO base media files (MP4, MOV, M4A) open with a box whose type is one of these. */
async function looksLikeIsoMedia(path: string): Promise<boolean> {
  const head = await firstBytes(path, 12);
  return ['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip'].includes(head.toString('latin1', 4, 8));
}

/** The first `n` bytes of a file, or of a URL (a presigned object on AWS) by a range request. */
async function firstBytes(path: string, n: number): Promise<Buffer> {
  if (/^https?:\/\//i.test(path)) {
    const res = await fetch(path, { headers: { range: `bytes=0-${n - 1}` } });
    return Buffer.from(await res.arrayBuffer()).subarray(0, n);
  }
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(n);
    await fh.read(head, 0, n, 0);
    return head;
  } finally {
    await fh.close();
  }
}
