// Which audio track carries the speech. OBS and Zoom recordings put the microphone on track 2
// with track 1 silent (or the desktop sound); cameras add a scratch track. Only track 1 was used:
// the job failed with advice that could not help. The loudest track is taken (speech is close-
// miked; a silent or scratch track is quieter), unless the user names one.
import { InputError } from '../core/errors.ts';
import { option } from '../core/optionWords.ts';
import type { Encoder, ProbeResult } from '../core/ports.ts';

/** How much of each track is measured: enough to hear who speaks, without decoding hours. */
export const TRACK_SAMPLE_SEC = 600;

export interface TrackChoice {
  /** From 0. */
  track: number;
  why: string;
}

/** `asked`: the user's choice, from 1. Undefined when there is a single track and nothing was asked. */
export async function chooseAudioTrack(
  probe: ProbeResult,
  input: string,
  encoder: Pick<Encoder, 'trackLoudness'>,
  asked?: number,
): Promise<TrackChoice | undefined> {
  const count = probe.audioTracks?.length ?? (probe.audio ? 1 : 0);
  if (asked !== undefined) {
    if (asked > count) throw new InputError(`${option('audioTrack')} is ${asked}, but the video has ${count} audio track${count === 1 ? '' : 's'}`);
    return { track: asked - 1, why: `track ${asked} as asked` };
  }
  if (count < 2) return undefined;
  const seconds = Math.min(TRACK_SAMPLE_SEC, Math.max(1, probe.duration));
  const loudness: Array<number | undefined> = [];
  for (let i = 0; i < count; i++) loudness.push(await encoder.trackLoudness(input, i, seconds));
  const said = loudness.map((l, i) => `track ${i + 1} ${l === undefined ? 'silent' : `${l.toFixed(1)} LUFS`}`).join(', ');
  let best = 0;
  for (let i = 1; i < count; i++) if ((loudness[i] ?? -Infinity) > (loudness[best] ?? -Infinity)) best = i;
  return { track: best, why: `the loudest of ${count} audio tracks (${said})` };
}
