// An edit's adapters on this machine: the job's output folder, scratch space under the work
// root, FFmpeg, the face tracker, and locks (files for the CLI, memory for serve).
import { resolve } from 'node:path';
import { FfmpegEncoder } from '../../adapters/ffmpeg/ffmpegEncoder.ts';
import { fileFingerprint } from '../../adapters/local/fileFingerprint.ts';
import { DiskStorage } from '../../adapters/local/diskStorage.ts';
import { LocalSourceResolver } from '../../adapters/local/localSourceResolver.ts';
import type { FaceTracker, Logger, ProgressSink } from '../../core/ports.ts';
import type { EditLocks, EditPorts } from '../../editing/editClip.ts';
import { DEFAULT_WORK_ROOT } from './runJob.ts';
import type { StagePorts } from '../../stages/stagePorts.ts';

export type LocalEditPorts = EditPorts & Pick<StagePorts, 'tracker' | 'encoder'>;

export function localEditPorts(
  outDir: string,
  parts: {
    progress: ProgressSink;
    log: Logger;
    tracker: FaceTracker;
    locks: EditLocks;
    workRoot?: string;
    signal?: AbortSignal;
    overrides?: Partial<StagePorts>;
  },
): LocalEditPorts {
  const work = new DiskStorage(resolve(parts.workRoot ?? DEFAULT_WORK_ROOT));
  return {
    work,
    outputs: new DiskStorage(outDir),
    // Kept sources are files (a fetched one was moved into the output folder): never fetched again.
    sources: new LocalSourceResolver(work),
    encoder: new FfmpegEncoder(undefined, parts.signal),
    tracker: parts.tracker,
    progress: parts.progress,
    log: parts.log,
    fingerprint: fileFingerprint,
    keptSource: (name) => new DiskStorage(outDir).localPath(name),
    locks: parts.locks,
    ...(parts.overrides?.encoder ? { encoder: parts.overrides.encoder } : {}),
    ...(parts.overrides?.tracker ? { tracker: parts.overrides.tracker } : {}),
  };
}
