// Caption files parsed off serve's event loop: a 20 MB file (allowed for a long video) takes
// seconds to parse, during which one event loop would answer no request. Each file is read in a
// worker thread of its own with a heap cap and a time limit, so a hostile file can neither freeze
// nor kill the server: past either bound it is refused like any unreadable caption file.
import { Worker } from 'node:worker_threads';
import type { CaptionReader } from '../../captions/captionReader.ts';
import { CaptionParseError } from '../../captions/parseCaptions.ts';
import type { Word } from '../../core/schemas.ts';

const WORKER = new URL('./captionWorker.ts', import.meta.url);
/** A 20 MB file parses in about 3 s here; 60 s is far past any honest file. */
export const CAPTION_PARSE_TIMEOUT_MS = 60_000;
/** The parser holds the text, its cues and words: about 10x the file at most; 20 MB files fit. */
const HEAP_MB = 512;

export const readCaptionsOffThread: CaptionReader = (text, limits) =>
  new Promise<Word[]>((resolve, reject) => {
    // The worker runs TypeScript as the server does (tsx's loader).
    const worker = new Worker(WORKER, {
      workerData: { text, limits },
      execArgv: ['--import', import.meta.resolve('tsx')],
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new CaptionParseError('the caption file takes too long to read'))), CAPTION_PARSE_TIMEOUT_MS);
    worker.once('message', (m: { ok: true; words: Word[] } | { ok: false; refused: boolean; message: string }) =>
      settle(() => (m.ok ? resolve(m.words) : reject(m.refused ? new CaptionParseError(m.message) : new Error(m.message)))),
    );
    worker.once('error', (err) =>
      settle(() =>
        reject(
          /ERR_WORKER_OUT_OF_MEMORY/.test((err as NodeJS.ErrnoException).code ?? '') ? new CaptionParseError('the caption file is too large to read') : err,
        ),
      ),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`the caption reader stopped (exit ${code})`))));
  });
