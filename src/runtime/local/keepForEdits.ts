// After a job on this machine: what a later edit needs, kept in the output folder. A source the
// job fetched (a URL, a page's video) moves out of the work folder, which is about to go; a file
// the user named stays where it is, recognised again by its fingerprint.
import { copyFile, rename, rm } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileFingerprint } from '../../adapters/local/fileFingerprint.ts';
import type { Storage } from '../../core/ports.ts';
import type { CropPath, IngestOutput, JobOptions } from '../../core/schemas.ts';
import { TRANSCRIPT_FILE } from '../../editing/editSchemas.ts';
import { jobKeepOf, writeKeep } from '../../editing/jobKeep.ts';

export interface KeepRequest {
  jobId: string;
  ingest: IngestOutput;
  transcriptKey: string;
  crops: Map<number, CropPath>;
  options: JobOptions;
  /** The job's own work folder (removed after the job). */
  jobWork: string;
  outDir: string;
  work: Storage;
  outputs: Storage;
}

async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

export async function keepForEdits(req: KeepRequest): Promise<void> {
  const source = resolve(req.ingest.sourceFile);
  const fetched = source.startsWith(resolve(req.jobWork) + sep);
  let file = source;
  if (fetched) {
    const name = `source${
      extname(source)
        .toLowerCase()
        .replace(/[^.a-z0-9]/g, '') || '.mp4'
    }`;
    await move(source, join(req.outDir, name));
    file = name;
  }
  const fingerprint = await fileFingerprint(fetched ? join(req.outDir, file) : source);
  await req.outputs.writeText(TRANSCRIPT_FILE, await req.work.readText(req.transcriptKey));
  await writeKeep(
    req.outputs,
    jobKeepOf({ jobId: req.jobId, source: { file, kept: fetched, fingerprint, info: req.ingest.source }, options: req.options, crops: req.crops }),
  );
}
