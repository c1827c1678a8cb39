// ingest: a usable video or a clear reason why not; then its speech track for transcription.
import { InputError, MediaReadError, ProcessError, errorMessage } from '../core/errors.ts';
import type { ProbeResult } from '../core/ports.ts';
import { type IngestOutput, JobInputSchema } from '../core/schemas.ts';
import { CaptionParseError, MAX_CAPTION_BYTES } from '../captions/parseCaptions.ts';
import { readCaptionsInline } from '../captions/captionReader.ts';
import { reporter, type StagePorts } from './stagePorts.ts';
import { option } from '../core/optionWords.ts';
import { formatDuration } from '../core/durations.ts';
import { chooseAudioTrack } from './audioTrack.ts';

const CAPTION_FORMATS = /^(srt|webvtt|ass|subviewer|microdvd|sami)$/;
const STILL_IMAGE_FORMATS = /^(image2|png_pipe|jpeg_pipe|webp_pipe|gif|bmp_pipe|tiff_pipe)$/;

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
  // A cover image muxed as one frame under long audio: nothing to frame or follow (render failed with "video codec missing").
  if (probe.video.frames === 1 && probe.duration > 2) {
    throw new InputError(`${name} has a single video frame (a cover image over ${formatDuration(probe.duration)} of audio): give a video with moving pictures`);
  }
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
  let name = input.sourceName ?? input.source;
  say(0, `reading ${name}`);
  // A URL's download (a page link's video) is the first 40% of ingest; the speech audio the rest.
  const fetching = /^https?:\/\//i.test(input.source);
  const span = fetching ? 40 : 0;
  const resolved = await ports.sources.resolve(input.source, input.jobId, {
    signal: ports.signal,
    onProgress: (f, message) => say(f * span, message),
    maxDurationSec: input.options.maxDurationSec,
    maxHeight: input.options.maxHeight,
    // Caption files the user gave win over the page's own.
    captions: input.options.pageCaptions && !input.captions,
  });
  const sourceFile = resolved.ref;
  if (resolved.page) name = `"${resolved.page.title}"`;
  const path = await ports.sources.open(sourceFile);

  const probe = await ports.encoder.probe(path).catch((err: unknown) => {
    throw asInputError(name, err);
  });
  checkProbe(probe, name, input.options.maxDurationSec);
  say(span + 10, `${probe.video.width}x${probe.video.height}, ${formatDuration(probe.duration)}`);

  // Decoded frames are turned but not yet made square: bars are found, and cut, in those pixels.
  const decoded = { width: probe.video.sar ? Math.round(probe.video.width / probe.video.sar) : probe.video.width, height: probe.video.height };
  const bars = await ports.encoder.detectBars(path, probe.duration, decoded);
  const picture = bars ? { width: probe.video.sar ? Math.round((bars.w * probe.video.sar) / 2) * 2 : bars.w, height: bars.h } : probe.video;
  if (bars) say(span + 10, `black bars cut: the picture is ${picture.width}x${picture.height}`);
  const audio = await chooseAudioTrack(probe, path, ports.encoder, input.options.audioTrack);
  if (audio && audio.track !== 0) say(span + 10, `speech from audio track ${audio.track + 1} (${audio.why})`);
  const audioKey = `${input.jobId}/speech.wav`;
  let audioSeconds = 0;
  await ports.work
    .writeFile(audioKey, async (tmp) => {
      audioSeconds = await ports.encoder.extractSpeech(path, tmp, (f) => say(span + 10 + f * (85 - span), 'extracting speech audio'), audio?.track ?? 0);
    })
    .catch((err: unknown) => {
      throw asInputError(name, err);
    });
  // A file cut short still probes with its full length; its audio stops early.
  const missing = probe.duration - audioSeconds;
  if (missing > Math.max(2, probe.duration * 0.05)) {
    throw new InputError(`${name} is truncated or corrupt: it claims ${probe.duration.toFixed(1)} s but only ${audioSeconds.toFixed(1)} s can be decoded`);
  }
  const captionsKey = input.captions
    ? await keepCaptions(input.captions, input.captionsName ?? input.captions, input.jobId, ports, probe.duration)
    : resolved.pageCaptions
      ? await keepPageCaptions(resolved.pageCaptions.text, input.jobId, ports, probe.duration)
      : null;
  const captionsSaid =
    resolved.pageCaptions && !input.captions
      ? `the page's ${resolved.pageCaptions.automatic ? 'automatic ' : ''}captions (${resolved.pageCaptions.language})`
      : 'captions';
  say(100, captionsKey ? `ready (with ${captionsSaid})` : 'ready');
  return {
    sourceFile,
    audioKey,
    captionsKey,
    sourceId: resolved.page ? `${resolved.page.extractor}:${resolved.page.id}` : null,
    source: {
      path: resolved.page ? resolved.page.url : name,
      duration: probe.duration,
      width: picture.width,
      height: picture.height,
      fps: probe.video.fps || 30,
      ...(resolved.page ? { page: resolved.page } : {}),
      ...(probe.video.sar ? { sar: probe.video.sar } : {}),
      ...(probe.video.interlaced ? { interlaced: true } : {}),
      ...(probe.video.hdr ? { hdr: probe.video.hdr } : {}),
      ...(bars ? { bars } : {}),
      ...(audio ? { audioTrack: audio.track, audioTrackWhy: audio.why } : {}),
    },
  };
}

/** A page's captions, when they hold words; a page whose captions are empty or unreadable is transcribed instead. */
async function keepPageCaptions(text: string, jobId: string, ports: Pick<StagePorts, 'work' | 'captions'>, mediaSec: number): Promise<string | null> {
  try {
    if (!(await (ports.captions ?? readCaptionsInline)(text, { mediaSec })).length) return null;
  } catch (err) {
    if (err instanceof CaptionParseError) return null;
    throw err;
  }
  const key = `${jobId}/captions.txt`;
  await ports.work.writeText(key, text);
  return key;
}

/** Checks the caption file now (a bad one is bad input) and keeps it with the job's work. */
async function keepCaptions(
  source: string,
  name: string,
  jobId: string,
  ports: Pick<StagePorts, 'sources' | 'work' | 'captions'>,
  mediaSec: number,
): Promise<string> {
  const text = await ports.sources.readText(source, jobId, MAX_CAPTION_BYTES);
  try {
    await (ports.captions ?? readCaptionsInline)(text, { mediaSec });
  } catch (err) {
    if (err instanceof CaptionParseError) throw new InputError(`captions ${name}: ${err.message}`);
    throw err;
  }
  const key = `${jobId}/captions.txt`;
  await ports.work.writeText(key, text);
  return key;
}
