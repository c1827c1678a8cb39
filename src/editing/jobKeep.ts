// What a finished job keeps beside its clips so a person can change them later: job.json (the
// source, how to recognise it, the options, each clip's crop and corrections) and
// transcript.json. Read and written through the Storage port, so both runtimes keep them alike.
import { InputError } from '../core/errors.ts';
import type { Storage } from '../core/ports.ts';
import { type CropPath, type JobOptions, type Manifest, ManifestSchema, type SourceInfo, type Transcript, TranscriptSchema } from '../core/schemas.ts';
import { MANIFEST_FILE, REPORT_FILE } from '../stages/finalize.ts';
import { reportHtml } from '../report/reportHtml.ts';
import { type Fingerprint, JOB_KEEP_FILE, type JobKeep, JobKeepSchema, TRANSCRIPT_FILE } from './editSchemas.ts';

export interface Kept {
  manifest: Manifest;
  keep: JobKeep;
  transcript: Transcript;
}

export async function readKept(outputs: Storage): Promise<Kept> {
  if (!(await outputs.exists(MANIFEST_FILE)))
    throw new InputError(
      `the job's ${MANIFEST_FILE} is missing (the job has not finished, its files were removed, or this is not a job's output folder): run the job again to edit its clips`,
    );
  if (!(await outputs.exists(JOB_KEEP_FILE)) || !(await outputs.exists(TRANSCRIPT_FILE))) {
    throw new InputError(
      `this job kept no ${JOB_KEEP_FILE} and ${TRANSCRIPT_FILE} (made by a clipforge before editing, or they were removed): run the job again to edit its clips`,
    );
  }
  const [manifest, keep, transcript] = await Promise.all([MANIFEST_FILE, JOB_KEEP_FILE, TRANSCRIPT_FILE].map((f) => outputs.readText(f)));
  return {
    manifest: ManifestSchema.parse(JSON.parse(manifest!)),
    keep: JobKeepSchema.parse(JSON.parse(keep!)),
    transcript: TranscriptSchema.parse(JSON.parse(transcript!)),
  };
}

/** job.json for a job that just finished: its source, options and each clip's crop (no corrections yet). */
export function jobKeepOf(a: {
  jobId: string;
  source: { file: string; kept: boolean; fingerprint: Fingerprint; info: SourceInfo };
  options: JobOptions;
  crops: Iterable<[number, CropPath]>;
}): JobKeep {
  return {
    format: 1,
    jobId: a.jobId,
    source: a.source,
    options: a.options,
    clips: Object.fromEntries([...a.crops].map(([rank, crop]) => [String(rank), { crop, corrections: [] }])),
  };
}

export async function writeKeep(outputs: Storage, keep: JobKeep): Promise<void> {
  await outputs.writeText(JOB_KEEP_FILE, `${JSON.stringify(JobKeepSchema.parse(keep))}\n`);
}

/** The manifest and its report page, each replaced whole (a reader sees the old or the new, never half). */
export async function writeManifest(outputs: Storage, manifest: Manifest): Promise<void> {
  const parsed = ManifestSchema.parse(manifest);
  await outputs.writeText(REPORT_FILE, reportHtml(parsed));
  await outputs.writeText(MANIFEST_FILE, `${JSON.stringify(parsed, null, 2)}\n`);
}
