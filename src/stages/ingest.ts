// ingest: a usable video or a clear reason why not; then its speech track for transcription.
import { InputError, MediaReadError, ProcessError, errorMessage } from '../core/errors.ts';
import type { ProbeResult } from '../core/ports.ts';
import { type IngestOutput, JobInputSchema } from '../core/schemas.ts';
import { CaptionParseError, captionWords } from '../captions/parseCaptions.ts';
import { reporter, type StagePorts } from './stagePorts.ts';
import { option } from '../core/optionWords.ts';

const CAPTION_FORMATS = /^(srt|webvtt|ass|subviewer|microdvd|sami)$/;
const STILL_IMAGE_FORMATS = /^(image2|png_pipe|jpeg_pipe|webp_pipe|gif|bmp_pipe|tiff_pipe)$/;

export function formatDuration(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.round(sec % 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** Throws an InputError naming what is wrong with the probed media. */
export function checkProbe(
  probe: ProbeResult,
  name: string,
  maxDurationSec: number,
): asserts probe is ProbeResult & { video: NonNullable<ProbeResult['video']> } {
  if (STILL_IMAGE_FORMATS.test(probe.formatName)) throw new InputError(`${name} is a still image, not a video`);
  // Told by content (FFmpeg's format detection), whatever the file is called.
  if (CAPTION_FORMATS.test(probe.formatName))
    throw new InputError(`${name} is a caption file (SRT/WebVTT), not a video: give it as the job's captions, beside its video`);
  // An empty container lists no streams at all: its length is what is wrong, not a missing stream.
  if (!(probe.duration > 0.5)) throw new InputError(`${name} has zero length (duration ${probe.duration.toFixed(2)} s)`);
  if (!probe.video) throw new InputError(`${name} has no video stream (audio-only files cannot be reframed)`);
  if (!probe.audio) throw new InputError(`${name} has no audio stream, so there is no speech to transcribe`);
  if (probe.duration > maxDurationSec) {
    throw new InputError(
      `${name} is ${formatDuration(probe.duration)} long, over the ${formatDuration(maxDurationSec)} cap (raise it with ${option('maxDurationSec')})`,
    );
  }
}

/**
 * What the input's fault is becomes an InputError (never retried); a tool that was killed, timed
 * out or is missing stays as it is, so the orchestrator retries it or reports it for what it is.
 */
function asInputError(name: string, err: unknown): unknown {
  if (err instanceof MediaReadError) {
    return err.truncated
      ? new InputError(`${name} is truncated or corrupt and cannot be read (${err.message})`)
      : new InputError(`${name} is not a media file FFmpeg can read (${err.message})`);
  }
  if (err instanceof ProcessError && err.code !== null && err.signal === null && !err.environmentFault) {
    return new InputError(`${name}: its audio track cannot be decoded (${errorMessage(err)})`);
  }
  return err;
}

export async function ingest(raw: unknown, ports: Pick<StagePorts, 'sources' | 'encoder' | 'work' | 'progress' | 'signal'>): Promise<IngestOutput> {
  const input = JobInputSchema.parse(raw);
  const say = reporter(ports, input.jobId, 'ingest');
  const name = input.sourceName ?? input.source;
  say(0, `reading ${name}`);
  const sourceFile = await ports.sources.resolve(input.source, input.jobId, ports.signal);
  const path = await ports.sources.open(sourceFile);

  const probe = await ports.encoder.probe(path).catch((err: unknown) => {
    throw asInputError(name, err);
  });
  checkProbe(probe, name, input.options.maxDurationSec);
  say(10, `${probe.video.width}x${probe.video.height}, ${formatDuration(probe.duration)}`);

  const audioKey = `${input.jobId}/speech.wav`;
  let audioSeconds = 0;
  await ports.work
    .writeFile(audioKey, async (tmp) => {
      audioSeconds = await ports.encoder.extractSpeech(path, tmp, (f) => say(10 + f * 85, 'extracting speech audio'));
    })
    .catch((err: unknown) => {
      throw asInputError(name, err);
    });
  // A file cut short still probes with its full length; its audio stops early.
  const missing = probe.duration - audioSeconds;
  if (missing > Math.max(2, probe.duration * 0.05)) {
    throw new InputError(`${name} is truncated or corrupt: it claims ${probe.duration.toFixed(1)} s but only ${audioSeconds.toFixed(1)} s can be decoded`);
  }
  const captionsKey = input.captions ? await keepCaptions(input.captions, input.captionsName ?? input.captions, input.jobId, ports) : null;
  say(100, captionsKey ? 'ready (with captions)' : 'ready');
  return {
    sourceFile,
    audioKey,
    captionsKey,
    source: { path: name, duration: probe.duration, width: probe.video.width, height: probe.video.height, fps: probe.video.fps || 30 },
  };
}

export const MAX_CAPTION_BYTES = 20 * 1024 * 1024;

/** Checks the caption file now (a bad one is bad input) and keeps it with the job's work. */
async function keepCaptions(source: string, name: string, jobId: string, ports: Pick<StagePorts, 'sources' | 'work'>): Promise<string> {
  const text = await ports.sources.readText(source, jobId, MAX_CAPTION_BYTES);
  try {
    captionWords(text);
  } catch (err) {
    if (err instanceof CaptionParseError) throw new InputError(`captions ${name}: ${err.message}`);
    throw err;
  }
  const key = `${jobId}/captions.txt`;
  await ports.work.writeText(key, text);
  return key;
}
