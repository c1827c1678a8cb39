// Re-rendering one clip after a person changed it, or making one by hand: the use case both
// runtimes and the CLI share, in steps a state machine can run apart (AWS) or one process runs
// in a row (serve, the CLI):
//   startEdit  checks everything (the clip, the edit, the source), takes the clip's lock and
//              writes the clip's corrected transcript: bad input is refused before anything else;
//   track and render (the pipeline's own stages) make the new version under new names, tracking
//              only when the frame moved;
//   publishEdit puts it in the manifest once it is made and verified, then removes the old one;
//   abandonEdit removes what a failed render left and lets the lock go: the clip stays as it was.
import { z } from 'zod';
import { InputError, errorMessage } from '../core/errors.ts';
import { ClipTaskSchema, type CropPath, CropPathSchema, type Manifest, RenderedClipSchema, TranscriptSchema } from '../core/schemas.ts';
import { manifestClip } from '../stages/finalize.ts';
import { clipFileNames, render } from '../stages/render.ts';
import type { StagePorts } from '../stages/stagePorts.ts';
import { track } from '../stages/track.ts';
import { swapped } from '../media/cropGeometry.ts';
import { correctedWords } from './corrections.ts';
import { type EditPlan, type ManifestClip, clipLabel, findClip, planEdit, planNewClip } from './editPlan.ts';
import { type ClipEdit, CorrectionSchema, type Fingerprint, FramingSchema, LookSchema, type NewClip } from './editSchemas.ts';
import { type Kept, readKept, writeKeep, writeManifest } from './jobKeep.ts';

/** Who may change what at once: one render per clip (a second is refused), the manifest replaced by one at a time (the later waits). */
export interface EditLocks {
  /** True when taken; false when another holds it. */
  tryHold(name: string): Promise<boolean>;
  release(name: string): Promise<void>;
}

export interface EditPorts extends Pick<StagePorts, 'work' | 'outputs' | 'sources' | 'progress' | 'log'> {
  /** How the source is recognised again: a file's size and hashed ends, an S3 object's size and ETag. */
  fingerprint(ref: string): Promise<Fingerprint>;
  /** A source the job kept beside its clips, by its name there, as a reference the stages open. */
  keptSource(name: string): Promise<string>;
  locks: EditLocks;
}

/** Another render of the same clip (or another clip by hand) is running. */
export class EditBusy extends Error {
  override name = 'EditBusy';
}

/** An edit between its steps: everything the later ones need, as data (it crosses Step Functions on AWS). */
export const EditTaskSchema = z.object({
  jobId: z.string(),
  renderId: z.string(),
  rank: z.number().int().positive(),
  version: z.number().int().positive(),
  changed: z.array(z.string()),
  /** The lock this edit holds until it is published or abandoned. */
  lock: z.string(),
  /** What track and render are given. */
  task: ClipTaskSchema,
  /** The kept or pinned crop (no tracking), or null: tracked again. */
  crop: CropPathSchema.nullable(),
  look: LookSchema,
  corrections: z.array(CorrectionSchema),
  framing: FramingSchema.optional(),
  byHand: z.boolean(),
});
export type EditTask = z.infer<typeof EditTaskSchema>;

/** What an edit asks: a clip changed, or one made by hand. */
export type EditRequest = { rank: number; edit: ClipEdit } | { newClip: NewClip };

/** How long publishing waits for another edit's manifest write (each takes milliseconds). */
const MANIFEST_WAIT_MS = 30_000;
const MANIFEST_LOCK = 'manifest';

async function holdWaiting(locks: EditLocks, name: string, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  while (!(await locks.tryHold(name))) {
    if (Date.now() > until) throw new EditBusy(`the job's manifest stayed locked for ${waitMs / 1000} s; try again`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The source as the job read it, or an error saying it was moved or changed (in the source's own name). */
async function checkSource(kept: Kept, ports: EditPorts): Promise<string> {
  const { source } = kept.keep;
  const name = source.info.page ? `"${source.info.page.title}"` : source.info.path;
  let file: string;
  try {
    file = source.kept ? await ports.keptSource(source.file) : source.file;
    const now = await ports.fingerprint(file);
    if (now.size !== source.fingerprint.size || now.digest !== source.fingerprint.digest) {
      throw new InputError(
        `the source video ${name} has changed since the job ran (its size or content differs): clips are edited from the video they were cut from`,
      );
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`the source video ${name} is no longer where the job read it (moved, deleted or expired): it is needed to edit the clips`);
  }
  return file;
}

function planOf(kept: Kept, req: EditRequest): EditPlan {
  const base = { words: kept.transcript.words, sourceSec: kept.keep.source.info.duration, options: kept.keep.options };
  if ('newClip' in req) {
    const ranks = [...kept.manifest.clips.map((c) => c.rank), ...(kept.manifest.failedClips ?? []).map((c) => c.rank), 0];
    return planNewClip({ ...base, rank: Math.max(...ranks) + 1, req: req.newClip });
  }
  const clip = findClip(kept.manifest, req.rank);
  return planEdit({ ...base, frame: kept.keep.source.info, clip, keep: kept.keep.clips[String(req.rank)], edit: req.edit });
}

/**
 * What startEdit would refuse, without taking a lock or writing: an API answers 400 from it before
 * starting anything. The source is checked when the ports can (on AWS the StartEdit step does).
 */
export async function checkEdit(
  req: EditRequest,
  ports: Pick<EditPorts, 'outputs'> & Partial<EditPorts>,
): Promise<{ rank: number; version: number; changed: string[]; lock: string }> {
  const kept = await readKept(ports.outputs);
  const edit = planOf(kept, req);
  if (ports.fingerprint && ports.keptSource) await checkSource(kept, ports as EditPorts);
  return { rank: edit.plan.rank, version: edit.plan.version, changed: edit.changed, lock: lockOf(req) };
}

const lockOf = (req: EditRequest) => ('newClip' in req ? 'new-clip' : `clip-${req.rank}`);

/** Why another edit of the same clip (or clip by hand) is refused. */
export function busyMessage(req: EditRequest): string {
  return 'newClip' in req
    ? 'another clip is being made by hand in this job; try again when it is done'
    : `${clipLabel(req.rank)} is being re-rendered; try again when that is done`;
}

export async function startEdit(req: EditRequest, renderId: string, ports: EditPorts): Promise<EditTask> {
  const kept = await readKept(ports.outputs);
  const lock = 'newClip' in req ? 'new-clip' : `clip-${req.rank}`;
  if (!(await ports.locks.tryHold(lock))) {
    throw new EditBusy(
      'newClip' in req
        ? 'another clip is being made by hand in this job; try again when it is done'
        : `${clipLabel(req.rank)} is being re-rendered; try again when that is done`,
    );
  }
  try {
    const edit = planOf(kept, req);
    const file = await checkSource(kept, ports);
    const { plan } = edit;
    const { jobId } = kept.keep;
    const transcriptKey = `${jobId}/edit-${plan.rank}-v${plan.version}/transcript.json`;
    // The render reads the transcript as the clip shows it: corrections in, hidden words out.
    const words = correctedWords(kept.transcript.words, edit.corrections);
    await ports.work.writeText(transcriptKey, JSON.stringify(TranscriptSchema.parse({ ...kept.transcript, words })));
    return EditTaskSchema.parse({
      jobId,
      renderId,
      rank: plan.rank,
      version: plan.version,
      changed: edit.changed,
      lock,
      task: {
        jobId,
        sourceFile: file,
        source: kept.keep.source.info,
        transcriptKey,
        clip: plan,
        options: { ...kept.keep.options, ...edit.look },
        renderId,
        ...(edit.applySwap && !edit.crop ? { swapParts: true } : {}),
        ...(edit.follow && !edit.crop ? { follow: edit.follow, options: { ...kept.keep.options, ...edit.look, layout: 'follow' as const } } : {}),
      },
      crop: edit.crop && edit.applySwap ? swapped(edit.crop) : (edit.crop ?? null),
      look: edit.look,
      corrections: edit.corrections,
      ...(edit.framing ? { framing: edit.framing } : {}),
      byHand: 'newClip' in req || !!kept.manifest.clips.find((c) => c.rank === plan.rank)?.byHand,
    });
  } catch (err) {
    await ports.locks.release(lock);
    throw err;
  }
}

/** The new version in the manifest and job.json, both re-read under the manifest lock (a parallel edit of another clip is kept); then the old version's files go and the clip's lock is let go. */
export async function publishEdit(
  raw: unknown,
  made: { crop: unknown; output: unknown },
  ports: EditPorts,
): Promise<{ clip: ManifestClip; manifest: Manifest }> {
  const t = EditTaskSchema.parse(raw);
  const crop = CropPathSchema.parse(made.crop);
  const output = RenderedClipSchema.parse(made.output);
  await holdWaiting(ports.locks, MANIFEST_LOCK, MANIFEST_WAIT_MS);
  let old: ManifestClip | undefined;
  let entry: ManifestClip;
  let manifest: Manifest;
  try {
    const now = await readKept(ports.outputs);
    old = now.manifest.clips.find((c) => c.rank === t.rank);
    const base = now.keep.options;
    const differs = (['aspect', 'layout', 'captionStyle', 'hookTitle'] as const).some((k) => t.look[k] !== base[k]);
    entry = {
      ...manifestClip({ clip: t.task.clip, crop, output }),
      ...(differs ? { look: t.look } : {}),
      ...(t.byHand ? { byHand: true } : {}),
      edits: [...(old?.edits ?? []), { at: new Date().toISOString(), version: t.version, changed: t.changed }],
    };
    const clips = [...now.manifest.clips.filter((c) => c.rank !== t.rank), entry].sort((a, b) => a.rank - b.rank);
    manifest = { ...now.manifest, clips };
    await writeManifest(ports.outputs, manifest);
    await writeKeep(ports.outputs, {
      ...now.keep,
      clips: { ...now.keep.clips, [String(t.rank)]: { crop, corrections: t.corrections, look: t.look, ...(t.framing ? { framing: t.framing } : {}) } },
    });
  } finally {
    await ports.locks.release(MANIFEST_LOCK);
  }
  if (old && old.file !== entry.file) await removeAll(ports, [old.file, old.srt, old.vtt, old.thumbnail], 'the replaced version');
  await finish(t, ports);
  return { clip: entry, manifest };
}

/** After a failed render: its files go, the lock is let go; the clip is as it was. */
export async function abandonEdit(raw: unknown, ports: EditPorts, why?: string): Promise<void> {
  const t = EditTaskSchema.parse(raw);
  await removeAll(ports, Object.values(clipFileNames(t.rank, t.version)), "a failed render's files");
  if (why) ports.log.warn('a re-render failed; the clip is unchanged', { jobId: t.jobId, clip: t.rank, error: why });
  await finish(t, ports);
}

/** Leftovers never fail an edit that is otherwise done: a file that cannot be removed is logged. */
async function removeAll(ports: EditPorts, names: string[], what: string): Promise<void> {
  const results = await Promise.allSettled(names.map((n) => ports.outputs.removePrefix(n)));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
  if (failed.length) ports.log.warn(`${what} could not all be removed`, { error: failed[0] });
}

async function finish(t: EditTask, ports: EditPorts): Promise<void> {
  const names = clipFileNames(t.rank, t.version);
  await Promise.allSettled([ports.work.removePrefix(`${t.jobId}/edit-${t.rank}-v${t.version}`), ports.work.removePrefix(`${t.jobId}/${names.ass}`)]);
  await ports.locks.release(t.lock);
}

/** The steps in a row, in one process (serve, the CLI): track when the frame moved, render, publish; abandon on any failure. */
export async function runEdit(t: EditTask, ports: EditPorts & Pick<StagePorts, 'tracker' | 'encoder'>): Promise<ManifestClip> {
  try {
    const crop: CropPath = t.crop ?? (await track(t.task, ports));
    const output = await render({ ...t.task, crop }, ports);
    return (await publishEdit(t, { crop, output }, ports)).clip;
  } catch (err) {
    await abandonEdit(t, ports, errorMessage(err));
    throw err;
  }
}
