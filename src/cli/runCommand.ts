// `clipforge run <input>`: one job, progress on stderr, the result (or manifest) on stdout.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { sidecarOf } from '../adapters/local/sidecar.ts';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { JobOptionsSchema } from '../core/schemas.ts';
import { MANIFEST_FILE, REPORT_FILE } from '../stages/finalize.ts';
import { JobFailedError, runLocalJob } from '../runtime/local/runJob.ts';
import { lineProgress, terminalProgress } from './progressDisplay.ts';
import { UsageError } from './usageError.ts';
import { inCliWords } from '../core/optionWords.ts';
import { stripControls } from '../core/controlChars.ts';
import { OUTPUT_NAME } from '../stages/outputNames.ts';

export const RUN_USAGE = `usage: clipforge run <file-or-url> [--out DIR] [--clips N|auto] [--min-sec S] [--max-sec S]
                     [--max-duration S] [--concurrency N] [--shortlist N]
                     [--captions FILE | --no-captions] [--max-height PX]
                     [--aspect 9:16|1:1|4:5|16:9] [--layout auto|follow|fit]
                     [--caption-style pop|karaoke|minimal|boxed] [--hook-title]
                     [--audio-track N] [--language xx] [--json]

The input is a video file, a media URL, or a page link (YouTube or any site yt-dlp
knows, any page with an HTML5 video): its best picture up to --max-height (1080) is
fetched, and its captions are used instead of transcription.
A caption file (SRT or VTT) named like the video and beside it is used instead of
transcription; --captions names one elsewhere, --no-captions ignores it (and a page's).
Speech is transcribed offline by Whisper base, its language detected unless
--language names it (an ISO 639-1 code: en, de, ja...).
OPENAI_API_KEY switches transcription and scoring to OpenAI (OPENAI_BASE_URL for a
compatible server); see the README for every setting.`;

const numberArg = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `--${name} must be a number, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const RunArgsSchema = z.object({
  out: z.string().optional(),
  clips: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === 'auto') return v;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `--clips must be a number or "auto", got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  'min-sec': numberArg('min-sec'),
  'max-sec': numberArg('max-sec'),
  'max-duration': numberArg('max-duration'),
  concurrency: numberArg('concurrency'),
  shortlist: numberArg('shortlist'),
  captions: z.string().min(1).optional(),
  'no-captions': z.boolean().optional(),
  'max-height': numberArg('max-height'),
  aspect: z.string().optional(),
  layout: z.string().optional(),
  'caption-style': z.string().optional(),
  'hook-title': z.boolean().optional(),
  'audio-track': numberArg('audio-track'),
  language: z.string().optional(),
  json: z.boolean().optional(),
});

export function parseRunArgs(argv: string[]) {
  const { values, positionals } = (() => {
    try {
      return parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          out: { type: 'string', short: 'o' },
          clips: { type: 'string', short: 'n' },
          'min-sec': { type: 'string' },
          'max-sec': { type: 'string' },
          'max-duration': { type: 'string' },
          concurrency: { type: 'string' },
          shortlist: { type: 'string' },
          captions: { type: 'string' },
          'no-captions': { type: 'boolean' },
          'max-height': { type: 'string' },
          aspect: { type: 'string' },
          layout: { type: 'string' },
          'caption-style': { type: 'string' },
          'hook-title': { type: 'boolean' },
          'audio-track': { type: 'string' },
          language: { type: 'string' },
          json: { type: 'boolean' },
        },
      });
    } catch (err) {
      throw new UsageError(`${(err as Error).message}\n${RUN_USAGE}`);
    }
  })();
  if (positionals.length !== 1) throw new UsageError(`give exactly one input video\n${RUN_USAGE}`);
  const args = RunArgsSchema.safeParse(values);
  if (!args.success) throw new UsageError(args.error.issues.map((i) => i.message).join('; '));
  const a = args.data;
  const options = JobOptionsSchema.safeParse({
    ...(a.clips !== undefined ? { clips: a.clips } : {}),
    ...(a['min-sec'] !== undefined ? { minSec: a['min-sec'] } : {}),
    ...(a['max-sec'] !== undefined ? { maxSec: a['max-sec'] } : {}),
    ...(a['max-duration'] !== undefined ? { maxDurationSec: a['max-duration'] } : {}),
    ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
    ...(a.shortlist !== undefined ? { shortlist: a.shortlist } : {}),
    ...(a['max-height'] !== undefined ? { maxHeight: a['max-height'] } : {}),
    ...(a['no-captions'] ? { pageCaptions: false } : {}),
    ...(a.aspect !== undefined ? { aspect: a.aspect } : {}),
    ...(a.layout !== undefined ? { layout: a.layout } : {}),
    ...(a['caption-style'] !== undefined ? { captionStyle: a['caption-style'] } : {}),
    ...(a['hook-title'] ? { hookTitle: true } : {}),
    ...(a['audio-track'] !== undefined ? { audioTrack: a['audio-track'] } : {}),
    ...(a.language !== undefined ? { language: a.language } : {}),
  });
  if (!options.success) {
    throw new UsageError(inCliWords(options.error.issues.map((i) => (i.path.length ? `options.${i.path.join('.')}: ${i.message}` : i.message)).join('; ')));
  }
  if (a.captions && a['no-captions']) throw new UsageError('give --captions or --no-captions, not both');
  const input = positionals[0]!;
  if (!input.trim()) throw new UsageError(`the input is empty: give a video file or an http(s) URL\n${RUN_USAGE}`);
  const stem = basename(input.split('?')[0]!).replace(/\.[^.]+$/, '') || 'video';
  const captions = a.captions ?? (a['no-captions'] ? undefined : sidecarOf(input));
  const outDir = resolve(a.out ?? `${stem}-clips`);
  // Said before any work, as a usage error: a file where the folder should be.
  if (existsSync(outDir) && !statSync(outDir).isDirectory())
    throw new UsageError(`--out ${a.out ?? outDir} is a file, not a folder: choose a folder for the clips`);
  for (const file of [input, captions].filter((f): f is string => !!f && !/^https?:\/\//i.test(f))) {
    if (dirname(resolve(file)) === outDir && OUTPUT_NAME.test(basename(file))) {
      throw new UsageError(`${file} would be overwritten by this run's outputs in ${a.out}: choose another --out folder`);
    }
  }
  return { input, captions, outDir, options: options.data, json: a.json ?? false };
}

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const display = process.stderr.isTTY && !args.json ? terminalProgress() : lineProgress();
  try {
    if (args.captions) display.info(`using captions from ${args.captions} instead of transcribing`);
    const manifest = await runLocalJob({
      source: args.input,
      ...(args.captions ? { captions: args.captions } : {}),
      outDir: args.outDir,
      options: args.options,
      progress: display,
      log: display,
      // The local user's own command: any address they can reach, their LAN and this machine included.
      urlAddresses: 'any',
    });
    display.stop();
    if (args.json) {
      process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    } else {
      const rel = relative(process.cwd(), args.outDir) || '.';
      process.stdout.write(`${manifest.clips.length} clip${manifest.clips.length === 1 ? '' : 's'} in ${rel}/\n`);
      for (const c of manifest.clips) process.stdout.write(`  #${c.rank} ${c.score.toFixed(0).padStart(3)}  ${join(rel, c.file)}  ${c.title}\n`);
      for (const f of manifest.failedClips ?? []) process.stdout.write(`  #${f.rank} could not be made: ${f.error}\n`);
      process.stdout.write(`manifest: ${join(rel, MANIFEST_FILE)}\nreport:   ${join(rel, REPORT_FILE)}\n`);
    }
    return 0;
  } catch (err) {
    display.stop();
    if (err instanceof JobFailedError) {
      process.stderr.write(`clipforge: ${err.kind === 'InputError' ? 'bad input: ' : ''}${stripControls(inCliWords(err.message))}\n`);
      return err.kind === 'InputError' ? 2 : 1;
    }
    if (err instanceof InputError) {
      process.stderr.write(`clipforge: bad input: ${stripControls(inCliWords(err.message))}\n`);
      return 2;
    }
    throw err;
  }
}
