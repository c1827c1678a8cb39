// Re-rendering one clip after a person changed it, or making one by hand: the use case both
// runtimes and the CLI share. `prepare` checks everything (the clip, the edit, the source) and
// takes the clip's lock before anything is written, so bad input is refused at once; `run`
// tracks (only when the frame moved), renders the new version under new names, and only once it
// is verified replaces the clip in the manifest. A failure leaves the clip as it was.
import { InputError, errorMessage } from '../core/errors.ts';
import { type ClipPlan, type CropPath, JobOptionsSchema, TranscriptSchema } from '../core/schemas.ts';
import { manifestClip } from '../stages/finalize.ts';
import { clipFileNames, render } from '../stages/render.ts';
import type { StagePorts } from '../stages/stagePorts.ts';
import { track } from '../stages/track.ts';
import { correctedWords } from './corrections.ts';
import { type EditPlan, type ManifestClip, clipLabel, findClip, planEdit, planNewClip, swapped } from './editPlan.ts';
import type { ClipEdit, Fingerprint, NewClip } from './editSchemas.ts';
import { type Kept, readKept, writeKeep, writeManifest } from './jobKeep.ts';

/** Who may change what at once: one render per clip (the later is refused), the manifest replaced by one at a time (the later waits). */
export interface EditLocks {
  /** The lock's release, or undefined when another holds it. */
  tryHold(name: string): Promise<(() => Promise<void>) | undefined>;
}

export interface EditPorts extends Pick<StagePorts, 'work' | 'outputs' | 'sources' | 'encoder' | 'tracker' | 'progress' | 'log'> {
  /** How the source file is recognised again (src/adapters/local/fileFingerprint.ts). */
  fingerprint(path: string): Promise<Fingerprint>;
  locks: EditLocks;
}

/** Another render of the same clip (or another clip by hand) is running. */
export class EditBusy extends Error {
  override name = 'EditBusy';
}

/** How long a re-render waits for another one's manifest write (a few milliseconds each). */
const MANIFEST_WAIT_MS = 30_000;

async function hold(locks: EditLocks, name: string, waitMs: number): Promise<() => Promise<void>> {
  const until = Date.now() + waitMs;
  for (;;) {
    const release = await locks.tryHold(name);
    if (release) return release;
    if (Date.now() > until) throw new EditBusy(`the job's manifest stayed locked for ${waitMs / 1000} s; try again`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PreparedRender {
  rank: number;
  version: number;
  changed: string[];
  /** Renders the new version and puts it in the manifest; the clip's lock is released however it ends. */
  run(): Promise<ManifestClip>;
  /** Lets the lock go without rendering. */
  abandon(): Promise<void>;
}

/** The source as the job read it, or an error saying it was moved or changed (in the source's own name). */
async function openSource(kept: Kept, ports: EditPorts): Promise<string> {
  const { source } = kept.keep;
  const name = source.info.page ? `"${source.info.page.title}"` : source.info.path;
  let file: string;
  try {
    file = source.kept ? await ports.outputs.localPath(source.file) : await ports.sources.open(source.file);
    const now = await ports.fingerprint(file);
    if (now.size !== source.fingerprint.size || now.sha256 !== source.fingerprint.sha256) {
      throw new InputError(
        `the source video ${name} has changed since the job ran (its size or content differs): clips are edited from the video they were cut from`,
      );
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`the source video ${name} is no longer where the job read it (moved or deleted): put it back to edit the clips`);
  }
  return file;
}

export async function prepareEdit(rank: number, edit: ClipEdit, ports: EditPorts): Promise<PreparedRender> {
  const kept = await readKept(ports.outputs);
  const clip = findClip(kept.manifest, rank);
  const plan = planEdit({
    words: kept.transcript.words,
    sourceSec: kept.keep.source.info.duration,
    frame: kept.keep.source.info,
    options: kept.keep.options,
    clip,
    keep: kept.keep.clips[String(rank)],
    edit,
  });
  const file = await openSource(kept, ports);
  const release = await ports.locks.tryHold(`clip-${rank}`);
  if (!release) throw new EditBusy(`${clipLabel(rank)} is being re-rendered; try again when that is done`);
  return prepared(kept, plan, file, release, ports);
}

export async function prepareNewClip(req: NewClip, ports: EditPorts): Promise<PreparedRender> {
  const kept = await readKept(ports.outputs);
  const release = await ports.locks.tryHold('new-clip');
  if (!release) throw new EditBusy('another clip is being made by hand in this job; try again when it is done');
  try {
    const ranks = [...kept.manifest.clips.map((c) => c.rank), ...(kept.manifest.failedClips ?? []).map((c) => c.rank), 0];
    const plan = planNewClip({
      words: kept.transcript.words,
      sourceSec: kept.keep.source.info.duration,
      options: kept.keep.options,
      rank: Math.max(...ranks) + 1,
      req,
    });
    const file = await openSource(kept, ports);
    return prepared(kept, plan, file, release, ports);
  } catch (err) {
    await release();
    throw err;
  }
}

function prepared(kept: Kept, edit: EditPlan, file: string, release: () => Promise<void>, ports: EditPorts): PreparedRender {
  const { plan } = edit;
  return {
    rank: plan.rank,
    version: plan.version,
    changed: edit.changed,
    abandon: release,
    run: async () => {
      try {
        return await renderVersion(kept, edit, file, ports);
      } finally {
        await release();
      }
    },
  };
}

async function renderVersion(kept: Kept, edit: EditPlan, file: string, ports: EditPorts): Promise<ManifestClip> {
  const { jobId } = kept.keep;
  const plan: ClipPlan = edit.plan;
  const options = JobOptionsSchema.parse({ ...kept.keep.options, ...edit.look });
  const names = clipFileNames(plan.rank, plan.version);
  const scratch = `${jobId}/edit-${plan.rank}-v${plan.version}`;
  const transcriptKey = `${scratch}/transcript.json`;
  try {
    const task = { jobId, sourceFile: file, source: kept.keep.source.info, transcriptKey, clip: plan, options };
    let crop: CropPath = edit.crop ?? (await track(task, ports));
    if (edit.applySwap) crop = swapped(crop);
    // The render reads the transcript as the clip shows it: corrections in, hidden words out.
    const words = correctedWords(kept.transcript.words, edit.corrections);
    await ports.work.writeText(transcriptKey, JSON.stringify(TranscriptSchema.parse({ ...kept.transcript, words })));
    const output = await render({ ...task, crop }, ports);
    const made = manifestClip({ clip: plan, crop, output });
    return await publish(edit, { crop, made }, ports);
  } catch (err) {
    // The new version's files go; the clip stays as it was.
    await Promise.allSettled(Object.values(names).map((n) => ports.outputs.removePrefix(n)));
    ports.log.warn('a re-render failed; the clip is unchanged', { jobId, clip: plan.rank, error: errorMessage(err) });
    throw err;
  } finally {
    await Promise.allSettled([ports.work.removePrefix(scratch), ports.work.removePrefix(`${jobId}/${names.ass}`)]);
  }
}

/** The new version into the manifest and job.json, re-read under the manifest lock so a parallel edit of another clip is kept; then the old version's files go. */
async function publish(edit: EditPlan, got: { crop: CropPath; made: ManifestClip }, ports: EditPorts): Promise<ManifestClip> {
  const release = await hold(ports.locks, 'manifest', MANIFEST_WAIT_MS);
  let old: ManifestClip | undefined;
  let entry: ManifestClip;
  try {
    const now = await readKept(ports.outputs);
    old = now.manifest.clips.find((c) => c.rank === edit.plan.rank);
    const base = now.keep.options;
    const differs = (['aspect', 'layout', 'captionStyle', 'hookTitle'] as const).some((k) => edit.look[k] !== base[k]);
    entry = {
      ...got.made,
      ...(differs ? { look: edit.look } : {}),
      ...(old?.byHand || edit.changed.includes('new') ? { byHand: true } : {}),
      edits: [...(old?.edits ?? []), { at: new Date().toISOString(), version: edit.plan.version, changed: edit.changed }],
    };
    const clips = [...now.manifest.clips.filter((c) => c.rank !== entry.rank), entry].sort((a, b) => a.rank - b.rank);
    await writeKeep(ports.outputs, {
      ...now.keep,
      clips: {
        ...now.keep.clips,
        [String(entry.rank)]: { crop: got.crop, corrections: edit.corrections, look: edit.look, ...(edit.framing ? { framing: edit.framing } : {}) },
      },
    });
    await writeManifest(ports.outputs, { ...now.manifest, clips });
  } finally {
    await release();
  }
  if (old && old.file !== entry.file) {
    await Promise.allSettled([old.file, old.srt, old.vtt, old.thumbnail].map((n) => ports.outputs.removePrefix(n)));
  }
  return entry;
}
