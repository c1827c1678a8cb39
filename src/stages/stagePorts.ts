import type { Encoder, FaceTracker, Logger, ProgressSink, Scorer, SourceResolver, Storage, Transcriber } from '../core/ports.ts';
import type { StageName } from '../core/schemas.ts';
import type { PriceTable } from '../core/usage.ts';
import type { CaptionReader } from '../captions/captionReader.ts';

/** Everything a stage may be given; each stage declares the part it uses. */
export interface StagePorts {
  /** Scratch objects of running jobs (expire). */
  work: Storage;
  /** Finished clips, captions, thumbnails, the manifest. */
  outputs: Storage;
  sources: SourceResolver;
  encoder: Encoder;
  transcriber: Transcriber;
  scorer: Scorer;
  tracker: FaceTracker;
  progress: ProgressSink;
  log: Logger;
  /** For the manifest's cost estimate. */
  prices: PriceTable;
  /** The job's cancellation, for ports shared between jobs (they get it per call). */
  signal?: AbortSignal | undefined;
  /** How caption files are read (default: in this thread; serve reads them off its event loop). */
  captions?: CaptionReader | undefined;
}

export function reporter(ports: Pick<StagePorts, 'progress'>, jobId: string, stage: StageName) {
  return (pct: number, message: string) => ports.progress.emit({ jobId, stage, pct: Math.round(Math.max(0, Math.min(100, pct))), message });
}
