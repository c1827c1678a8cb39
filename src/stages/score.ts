// score: candidate windows, the free first pass, the Scorer on a shortlist, then the best N
// non-overlapping clips, ranked.
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { ClipPlanSchema, JobOptionsSchema, TranscriptSchema } from '../core/schemas.ts';
import { UsageMeter, UsageSnapshotSchema } from '../core/usage.ts';
import { firstPassInSlices } from '../scoring/firstPass.ts';
import { shortlist } from '../scoring/select.ts';
import { AUTO_FLOOR, autoClipTarget, pickClips } from '../scoring/clipCount.ts';
import { candidateWindows } from '../scoring/windows.ts';
import { reporter, type StagePorts } from './stagePorts.ts';
import { option } from '../core/optionWords.ts';

export const ScoreInputSchema = z.object({
  jobId: z.string(),
  transcriptKey: z.string(),
  duration: z.number().positive(),
  options: JobOptionsSchema,
});

export const ScoreOutputSchema = z.object({
  clips: z.array(ClipPlanSchema),
  candidates: z.number().int().nonnegative(),
  scorer: z.string(),
  usage: UsageSnapshotSchema,
});
export type ScoreOutput = z.infer<typeof ScoreOutputSchema>;

/** Why no clip could be cut, in words that point at what would help (and not at --min-sec when it cannot). */
export function nothingToClip(words: number, duration: number, minSec: number, maxSec: number): string {
  const length = `${duration.toFixed(0)} s`;
  if (words === 0) return `no speech was heard in the ${length} of audio (is the speech on another audio track, or is the track silent?)`;
  if (duration < minSec) return `the video is ${length} long, shorter than the ${minSec} s shortest clip (${option('minSec')})`;
  return `found no ${minSec}–${maxSec} s stretch of speech to clip (${words} words recognised in ${length}); try a shorter ${option('minSec')}`;
}

export async function score(raw: unknown, ports: Pick<StagePorts, 'work' | 'scorer' | 'progress' | 'signal'>): Promise<ScoreOutput> {
  const input = ScoreInputSchema.parse(raw);
  const say = reporter(ports, input.jobId, 'score');
  const transcript = TranscriptSchema.parse(JSON.parse(await ports.work.readText(input.transcriptKey)));
  const { minSec, maxSec, clips: wanted } = input.options;
  const windows = candidateWindows(transcript.words, { minSec, maxSec, mediaDuration: input.duration });
  const scored = await firstPassInSlices(transcript.words, windows, ports.signal);
  if (scored.length === 0) throw new InputError(nothingToClip(transcript.words.length, input.duration, minSec, maxSec));
  say(40, `${scored.length} candidates from ${windows.length} windows`);
  const meter = new UsageMeter();
  const most = wanted === 'auto' ? autoClipTarget(input.duration) : wanted;
  const refined = await ports.scorer.refine(shortlist(scored, Math.max(input.options.shortlist, most)), { meter, signal: ports.signal });
  const chosen = pickClips(refined, wanted, input.duration);
  say(
    100,
    `picked ${chosen.length} of ${scored.length} candidates${wanted === 'auto' ? ` (auto: up to ${most} for this length, none under ${Math.round(100 * AUTO_FLOOR)}% of the best)` : ''}`,
  );
  return {
    clips: chosen.map((c, i) => ({
      rank: i + 1,
      start: c.start,
      end: c.end,
      score: c.score,
      title: c.title,
      reason: c.reason,
      ...(c.hook ? { hook: c.hook } : {}),
      text: c.text,
    })),
    candidates: scored.length,
    scorer: ports.scorer.name,
    usage: meter.snapshot(),
  };
}
