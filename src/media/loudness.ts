// Loudness on target: measure the clip's audio, then set its gain. One-pass (dynamic) loudnorm
// guesses as it goes and undershoots on short clips: measured here at -16.7 LUFS (synthetic
// voice) and -14.3 to -15.7 (recorded speech) for a -14 target; its linear mode gives up (falls
// back to dynamic) whenever the gain would push peaks past the true-peak limit, which speech
// with sharp peaks always does. So: a gain, a peak limiter after it, and the measurement repeated
// through both until the result is within half a unit of the target (twice or three times for
// peaky speech; each pass reads only the clip's audio). Checked by test/e2e/loudness.test.ts.

/** Short-video platforms normalise to about -14 LUFS; peaks kept under -2 dBFS for lossy encoding. */
import { sourceInput } from './sourceRead.ts';

export const LOUDNESS = { I: -14, TP: -2 } as const;
/** Close enough to stop measuring; the test's bound is 1 LU. */
export const LOUDNESS_TOLERANCE = 0.5;
/** Measuring passes at most: the limiter takes a little of each added gain back. */
export const LOUDNESS_PASSES = 4;
/** Quieter than this is silence (or nearly): no gain is made up for it. */
const SILENCE_LUFS = -60;
/** Gain never raised by more than this (a whisper is not turned into a shout of noise). */
const MAX_GAIN_DB = 30;

/** The gain and limiter for a clip: `volume` then a peak limiter at the target's peak level. */
export function gainFilter(gainDb: number): string {
  const limit = 10 ** (LOUDNESS.TP / 20);
  return `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(3)}:level=false`;
}

/**
 * A measuring pass: an audio track's stretch into ebur128, through `gainDb` and the limiter when
 * given (a clip's gain), as it is when not (comparing a file's tracks).
 */
export function measureArgs(input: string, range: { start: number; duration: number }, track = 0, gainDb?: number): string[] {
  const filter = gainDb === undefined ? 'ebur128' : `${gainFilter(gainDb)},ebur128`;
  return [
    ...['-hide_banner', '-nostdin', '-v', 'info', '-ss', range.start.toFixed(3), '-t', range.duration.toFixed(3), ...sourceInput(input)],
    ...['-map', `0:a:${track}`, '-af', filter, '-f', 'null', '-'],
  ];
}

/** The integrated loudness ebur128 printed in its summary; undefined when none (no audio). */
export function parseIntegrated(stderr: string): number | undefined {
  const m = /Summary:[\s\S]*?I:\s+(-?[\d.]+|-inf) LUFS/.exec(stderr);
  if (!m || m[1] === '-inf') return undefined;
  return Number(m[1]);
}

/** Finds the gain that brings a clip to the target: `measure(gain)` returns the loudness after it. */
export async function findGain(measure: (gainDb: number) => Promise<number | undefined>): Promise<number> {
  let gain = 0;
  for (let pass = 0; pass < LOUDNESS_PASSES; pass++) {
    const loudness = await measure(gain);
    if (loudness === undefined || (pass === 0 && loudness < SILENCE_LUFS)) return 0;
    const off = LOUDNESS.I - loudness;
    if (Math.abs(off) <= LOUDNESS_TOLERANCE) break;
    gain = Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, gain + off));
  }
  return gain;
}
