// `clipforge edit OUT`: change one clip of a finished run and render it again, or make a clip by
// hand. The output folder holds what this needs (job.json, transcript.json); the edit rules are
// src/editing/'s, as serve's API uses them.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FileEditLocks } from '../adapters/local/editLocks.ts';
import { DiskStorage } from '../adapters/local/diskStorage.ts';
import { InputError } from '../core/errors.ts';
import { inCliWords } from '../core/optionWords.ts';
import { stripControls } from '../core/controlChars.ts';
import { snapBounds, wordRange } from '../editing/bounds.ts';
import { findCorrections } from '../editing/corrections.ts';
import { EditBusy, type EditRequest, runEdit, startEdit } from '../editing/editClip.ts';
import { randomBytes } from 'node:crypto';
import { clipLabel, findClip } from '../editing/editPlan.ts';
import { ClipEditSchema, type Correction, NewClipSchema } from '../editing/editSchemas.ts';
import { readKept } from '../editing/jobKeep.ts';
import { chooseTracker } from '../runtime/local/chooseTracker.ts';
import { localEditPorts } from '../runtime/local/editPorts.ts';
import { issuesText } from '../core/zodIssues.ts';
import { lineProgress, terminalProgress } from './progressDisplay.ts';
import { UsageError } from './usageError.ts';

export const EDIT_USAGE = `usage: clipforge edit <out-folder> --clip N [--start S] [--end S] [--sentences]
                     [--fix "WORDS=TEXT"]... [--hide "WORDS"]... [--title T]
                     [--aspect 9:16|1:1|4:5|16:9] [--layout auto|follow|fit|split]
                     [--caption-style pop|karaoke|minimal|boxed] [--hook-title | --no-hook-title]
                     [--follow X,Y | --pin X,Y | --swap | --reframe] [--json]
       clipforge edit <out-folder> --new --start S --end S [--sentences] [--title T] [look options]

Changes one clip of a finished 'clipforge run' and renders it again as clip-N.vK.mp4; the
manifest lists the new version only once it is made (a failed render leaves the clip as it
was). --start/--end are seconds of the source, moved to word edges (--sentences: to sentence
edges). --fix "west=quest" corrects caption words (kept for later edits), --hide takes words out
of the captions. --pin 0.3,0.5 holds the crop at that place, --swap swaps a split's parts,
--reframe tracks faces again, --follow 0.7,0.4 follows the person nearest that place (the
people a clip shows are listed in job.json, each clip's crop.people). --new makes a clip by hand from --start to --end.`;

const num = (flag: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `--${flag} must be a number, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        clip: { type: 'string' },
        new: { type: 'boolean' },
        start: { type: 'string' },
        end: { type: 'string' },
        sentences: { type: 'boolean' },
        fix: { type: 'string', multiple: true },
        hide: { type: 'string', multiple: true },
        title: { type: 'string' },
        aspect: { type: 'string' },
        layout: { type: 'string' },
        'caption-style': { type: 'string' },
        'hook-title': { type: 'boolean' },
        'no-hook-title': { type: 'boolean' },
        pin: { type: 'string' },
        follow: { type: 'string' },
        swap: { type: 'boolean' },
        reframe: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${EDIT_USAGE}`);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`give exactly one output folder of 'clipforge run'\n${EDIT_USAGE}`);
  const nums = z.object({ clip: num('clip'), start: num('start'), end: num('end') }).safeParse(v);
  if (!nums.success) throw new UsageError(nums.error.issues.map((i) => i.message).join('; '));
  if (v.new && nums.data.clip !== undefined) throw new UsageError('give --clip N to edit a clip, or --new to make one, not both');
  if (!v.new && nums.data.clip === undefined) throw new UsageError(`name the clip to edit with --clip N (or make one with --new)\n${EDIT_USAGE}`);
  if (v['hook-title'] && v['no-hook-title']) throw new UsageError('give --hook-title or --no-hook-title, not both');
  if ([v.pin !== undefined, v.follow !== undefined, v.swap, v.reframe].filter(Boolean).length > 1) {
    throw new UsageError('give one of --follow, --pin, --swap and --reframe');
  }
  const place = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const m = /^\s*([0-9.]+)\s*,\s*([0-9.]+)\s*$/.exec(value);
    if (!m || !(Number(m[1]) <= 1) || !(Number(m[2]) <= 1)) {
      throw new UsageError(`--${flag} takes X,Y as fractions of the frame (0 to 1), e.g. --${flag} 0.3,0.5; got "${value}"`);
    }
    return { x: Number(m[1]), y: Number(m[2]) };
  };
  const pin = place('pin', v.pin);
  const follow = place('follow', v.follow);
  const look = {
    ...(v.aspect !== undefined ? { aspect: v.aspect } : {}),
    ...(v.layout !== undefined ? { layout: v.layout } : {}),
    ...(v['caption-style'] !== undefined ? { captionStyle: v['caption-style'] } : {}),
    ...(v['hook-title'] ? { hookTitle: true } : v['no-hook-title'] ? { hookTitle: false } : {}),
    ...(v.title !== undefined ? { title: v.title } : {}),
  };
  return {
    out: resolve(positionals[0]!),
    clip: nums.data.clip,
    isNew: !!v.new,
    start: nums.data.start,
    end: nums.data.end,
    snap: v.sentences ? ('sentence' as const) : ('word' as const),
    fixes: [...(v.fix ?? []), ...(v.hide ?? []).map((h) => `${h}=`)],
    look,
    framing: follow ? { follow } : pin ? { pin } : v.swap ? { swap: true as const } : v.reframe ? ('auto' as const) : undefined,
    json: !!v.json,
  };
}

/** The option words of the schemas, as this command's flags. */
function badEdit(text: string): UsageError {
  const flags = text
    .replace(/\bcaptionStyle\b/g, '--caption-style')
    .replace(/\bhookTitle\b/g, '--hook-title')
    .replace(/\b(aspect|layout|title|start|end)\b:/g, '--$1:');
  return new UsageError(inCliWords(flags));
}

export async function editCommand(argv: string[]): Promise<number> {
  const a = parse(argv);
  const display = process.stderr.isTTY && !a.json ? terminalProgress() : lineProgress();
  try {
    const outputs = new DiskStorage(a.out);
    const kept = await readKept(outputs);
    const tracker = await chooseTracker(display);
    const ports = localEditPorts(a.out, { progress: display, log: display, tracker, locks: new FileEditLocks(a.out) });
    let req: EditRequest;
    if (a.isNew) {
      if (a.start === undefined || a.end === undefined) throw new UsageError('--new needs --start and --end (seconds of the source)');
      if (a.fixes.length || a.framing) throw new UsageError('--fix, --hide and framing apply to a made clip: make it with --new first, then edit it');
      const parsedNew = NewClipSchema.safeParse({ start: a.start, end: a.end, snap: a.snap, ...a.look });
      if (!parsedNew.success) throw badEdit(issuesText(parsedNew.error));
      req = { newClip: parsedNew.data };
    } else {
      const clip = findClip(kept.manifest, a.clip!);
      const words = kept.transcript.words;
      // --fix finds its words inside the clip's new bounds.
      const bounds =
        a.start !== undefined || a.end !== undefined || a.snap === 'sentence'
          ? snapBounds(words, { start: a.start ?? clip.start, end: a.end ?? clip.end, snap: a.snap }, kept.keep.source.info.duration)
          : clip;
      const range = wordRange(words, bounds.start, bounds.end);
      const corrections: Correction[] = a.fixes.flatMap((f) => findCorrections(f, words, range, clipLabel(clip.rank)));
      const edit = ClipEditSchema.safeParse({
        ...(a.start !== undefined ? { start: a.start } : {}),
        ...(a.end !== undefined ? { end: a.end } : {}),
        snap: a.snap,
        corrections,
        ...a.look,
        ...(a.framing ? { framing: a.framing } : {}),
      });
      if (!edit.success) throw badEdit(issuesText(edit.error));
      req = { rank: clip.rank, edit: edit.data };
    }
    const task = await startEdit(req, `cli-${randomBytes(4).toString('hex')}`, ports);
    display.info(`${clipLabel(task.rank)}: rendering version ${task.version} (${task.changed.join(', ')})`);
    const made = await runEdit(task, ports);
    ports.tracker.close?.();
    display.stop();
    if (a.json) process.stdout.write(`${JSON.stringify(made, null, 2)}\n`);
    else process.stdout.write(`${clipLabel(made.rank)} v${made.version ?? 1}: ${made.file} (${made.duration.toFixed(1)} s) ${made.title}\n`);
    return 0;
  } catch (err) {
    display.stop();
    if (err instanceof InputError) {
      process.stderr.write(`clipforge: bad input: ${stripControls(inCliWords(err.message))}\n`);
      return 2;
    }
    if (err instanceof EditBusy) {
      process.stderr.write(`clipforge: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
