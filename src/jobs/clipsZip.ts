// A job's clips, captions, thumbnails and manifest as one ZIP, streamed: yazl reads each file as
// the archive reaches it, so memory stays flat whatever the job's size. Videos and pictures are
// stored (already compressed: deflating an MP4 gained under 1% and cost its CPU time), text is
// deflated.
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Manifest } from '../core/schemas.ts';
import { MANIFEST_FILE, REPORT_FILE } from '../stages/finalize.ts';

/** On AWS the finalize stage writes the ZIP beside the clips under this name (src/aws/jobZip.ts). */
export const CLIPS_ZIP = 'clips.zip';

/** Stored or deflated: videos and pictures are compressed already. */
export const deflates = (name: string) => !/\.(mp4|jpg)$/i.test(name);

/** The files a job's ZIP holds, by name in its output folder. */
export function zipEntries(manifest: Manifest): string[] {
  return [...manifest.clips.flatMap((c) => [c.file, c.srt, c.vtt, c.thumbnail]), MANIFEST_FILE, REPORT_FILE];
}

export function zipStream(files: Array<{ name: string; path: string }>): Readable {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addFile(f.path, f.name, { compress: deflates(f.name) });
  zip.end();
  const out = zip.outputStream as Readable;
  // A file that cannot be read ends the archive with the error (never a ZIP that stops half-way unsaid).
  zip.on('error', (err: Error) => out.destroy(err));
  return out;
}
