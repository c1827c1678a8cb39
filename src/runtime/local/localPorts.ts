// The embedded default's adapters: disk, FFmpeg, PocketSphinx, first-pass scoring; the face
// tracker is chosen by the caller (it depends on what is installed).
import { FfmpegEncoder } from '../../adapters/ffmpeg/ffmpegEncoder.ts';
import { DiskStorage } from '../../adapters/local/diskStorage.ts';
import { LocalSourceResolver } from '../../adapters/local/localSourceResolver.ts';
import { PocketsphinxTranscriber } from '../../adapters/pocketsphinx/pocketsphinxTranscriber.ts';
import { FirstPassScorer } from '../../adapters/scoring/firstPassScorer.ts';
import type { Logger, ProgressSink } from '../../core/ports.ts';
import type { StagePorts } from '../../stages/stagePorts.ts';

export function localPorts(
  dirs: { work: string; out: string },
  progress: ProgressSink,
  log: Logger,
  overrides: Partial<StagePorts> & Pick<StagePorts, 'tracker'>,
): StagePorts {
  const work = overrides.work ?? new DiskStorage(dirs.work);
  return {
    work,
    outputs: new DiskStorage(dirs.out),
    sources: new LocalSourceResolver(work),
    encoder: new FfmpegEncoder(),
    transcriber: new PocketsphinxTranscriber(),
    scorer: new FirstPassScorer(),
    progress,
    log,
    ...overrides,
  };
}
