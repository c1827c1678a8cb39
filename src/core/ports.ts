// The interfaces stages are written against. Local adapters live in src/adapters; AWS ones
// plug in beside them. A stage never touches a disk, a network or a cloud SDK directly.
import type { CropPath, ProgressEvent, Transcript } from './schemas.ts';
import type { UsageMeter } from './usage.ts';

/** A store of objects by key (a folder locally, an S3 bucket on AWS). */
export interface Storage {
  /** A local file holding the object, for tools that need a path (remote stores download first). */
  localPath(key: string): Promise<string>;
  /** Lets `write` produce a temporary file, then publishes it under `key` whole, or not at all. */
  writeFile(key: string, write: (tmpPath: string) => Promise<void>): Promise<void>;
  writeText(key: string, text: string): Promise<void>;
  readText(key: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  removePrefix(prefix: string): Promise<void>;
}

/**
 * Turns what the user gave (a path, an upload, a URL) into something every later stage can read,
 * even on another machine: a file path here, an S3 object on AWS.
 */
export interface SourceResolver {
  /** Checks the source and makes it durable for the job (downloads URLs); returns its reference. */
  /** `signal`: the job's cancellation, which stops a download under way. */
  resolve(source: string, jobId: string, signal?: AbortSignal): Promise<string>;
  /** A path or URL FFmpeg can read for a reference `resolve` returned. */
  open(ref: string): Promise<string>;
  /** A small text input (a caption file) from the same kinds of places, whole. */
  readText(source: string, jobId: string, maxBytes: number): Promise<string>;
}

export interface ProbeResult {
  formatName: string;
  duration: number;
  video?: { codec: string; width: number; height: number; fps: number; frames?: number };
  audio?: { codec: string; channels: number; sampleRate: number };
}

export interface RenderSpec {
  input: string;
  start: number;
  duration: number;
  source: { width: number; height: number };
  crop: CropPath;
  assFile: string;
  output: { width: number; height: number };
}

export type OnProgress = (fraction: number, message?: string) => void;

/** Media tools (FFmpeg locally and in the render task). */
export interface Encoder {
  probe(path: string): Promise<ProbeResult>;
  /** Mono 16 kHz 16-bit WAV of the speech track; returns its length in seconds. */
  extractSpeech(input: string, outWav: string, onProgress?: OnProgress): Promise<number>;
  render(spec: RenderSpec, outPath: string, onProgress?: OnProgress): Promise<void>;
  thumbnail(video: string, at: number, outJpeg: string): Promise<void>;
  /** Pauses in speech (silences of at least 0.3 s), for cutting long audio between words. */
  pauses(audio: string): Promise<Array<{ start: number; end: number }>>;
  /** The span [start, end) of a speech WAV as its own WAV. */
  cutAudio(input: string, outWav: string, start: number, end: number): Promise<void>;
}

export interface CallContext {
  onProgress?: OnProgress;
  /** The job's cancellation: subprocesses and requests stop when it fires. */
  signal?: AbortSignal | undefined;
  /** Where requests, audio and tokens are counted for this job. */
  meter?: UsageMeter;
}

export interface Transcriber {
  /** Provider, model and language: with the audio's hash, they key the transcript cache. */
  readonly name: string;
  readonly model: string;
  readonly language?: string | undefined;
  transcribe(audioPath: string, ctx?: CallContext): Promise<Transcript>;
}

/** Transcripts by key with an expiry, plus a lease so one worker makes each transcript. */
export interface TranscriptCache {
  get(key: string): Promise<Transcript | undefined>;
  put(key: string, transcript: Transcript, ttlSec: number): Promise<void>;
  /** True when this caller now holds the lease on `key` (no one else does, or theirs expired). */
  claim(key: string, owner: string, leaseSec: number): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
}

export interface ScoredCandidate {
  start: number;
  end: number;
  text: string;
  score: number;
  title: string;
  reason: string;
  hook?: string | undefined;
}

/** Refines first-pass candidates (an LLM in production); the first pass itself is core logic. */
export interface Scorer {
  readonly name: string;
  refine(candidates: ScoredCandidate[], ctx?: CallContext): Promise<ScoredCandidate[]>;
}

export interface FaceTracker {
  readonly name: string;
  track(video: string, range: { start: number; end: number }, frame: { width: number; height: number }): Promise<CropPath>;
  /** Releases long-lived resources (warm processes); the tracker still works after it. */
  close?(): void;
}

export interface ProgressSink {
  emit(event: ProgressEvent): void;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}
