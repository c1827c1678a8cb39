// The embedded default's adapters: disk, FFmpeg, faster-whisper, first-pass scoring; the face
// tracker and the models are chosen by the caller (they depend on what is installed and set).
import { FfmpegEncoder } from '../../adapters/ffmpeg/ffmpegEncoder.ts';
import { DiskStorage } from '../../adapters/local/diskStorage.ts';
import { LocalSourceResolver } from '../../adapters/local/localSourceResolver.ts';
import { pageFetcher } from '../../adapters/pages/ytDlpFetcher.ts';
import { type AddressPolicy, DEFAULT_DOWNLOAD_LIMITS } from '../../adapters/http/download.ts';
import { FasterWhisperTranscriber } from '../../adapters/whisper/fasterWhisperTranscriber.ts';
import { readCaptionsOffThread } from './captionThread.ts';
import { FirstPassScorer } from '../../adapters/scoring/firstPassScorer.ts';
import { priceTableFromEnv } from '../../adapters/openai/openaiConfig.ts';
import type { Logger, ProgressSink } from '../../core/ports.ts';
import type { PriceTable } from '../../core/usage.ts';
import type { StagePorts } from '../../stages/stagePorts.ts';

export function localPorts(
  dirs: { work: string; out: string },
  progress: ProgressSink,
  log: Logger,
  overrides: Partial<StagePorts> & Pick<StagePorts, 'tracker'>,
  prices: PriceTable = priceTableFromEnv(),
  signal?: AbortSignal,
  urlAddresses: AddressPolicy = 'public',
): StagePorts {
  const work = overrides.work ?? new DiskStorage(dirs.work);
  return {
    work,
    outputs: new DiskStorage(dirs.out),
    sources: new LocalSourceResolver(
      work,
      { ...DEFAULT_DOWNLOAD_LIMITS, addresses: urlAddresses },
      pageFetcher({ ...DEFAULT_DOWNLOAD_LIMITS, addresses: urlAddresses }),
    ),
    encoder: new FfmpegEncoder(undefined, signal),
    transcriber: new FasterWhisperTranscriber(),
    scorer: new FirstPassScorer(),
    // One event loop serves every job and request here: caption files are parsed off it.
    captions: readCaptionsOffThread,
    progress,
    log,
    prices,
    signal,
    ...overrides,
  };
}
