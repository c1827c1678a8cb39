// Caption files parsed off serve's event loop: a 20 MB file (allowed for a long video) takes
// seconds to parse, during which one event loop would answer no request. Each file is read in a
// worker thread of its own with a time limit (past it the file is refused like any unreadable one)
// and a heap cap. The cap is no isolation: V8 aborts the whole process when one allocation jumps
// past it (seen with an 8 MB cap on a 20 MB file), so memory is held by the size caps upstream
// (20 MB a file; a 19.8 MB hostile file parses well within 512 MB). A child process would isolate it.
import { Worker } from 'node:worker_threads';
import type { CaptionReader } from '../../captions/captionReader.ts';
import { CaptionParseError } from '../../captions/parseCaptions.ts';
import type { Word } from '../../core/schemas.ts';

const WORKER = new URL('./captionWorker.ts', import.meta.url);
/** A 20 MB file parses in about 3 s here; 60 s is far past any honest file. */
export const CAPTION_PARSE_TIMEOUT_MS = 60_000;
/** The parser holds the text, its cues and words: about 10x the file at most; 20 MB files fit. */
const HEAP_MB = 512;

/** A reader with its own bounds (tests use small ones); serve uses readCaptionsOffThread. */
export const captionReaderOffThread =
  (bounds: { timeoutMs: number; heapMb: number }): CaptionReader =>
  (text, limits) =>
    new Promise<Word[]>((resolve, reject) => {
      // The worker runs TypeScript as the server does (tsx's loader).
      const worker = new Worker(WORKER, {
        workerData: { text, limits },
        execArgv: ['--import', import.meta.resolve('tsx')],
        resourceLimits: { maxOldGenerationSizeMb: bounds.heapMb },
      });
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        fn();
      };
      const timer = setTimeout(() => settle(() => reject(new CaptionParseError('the caption file takes too long to read'))), bounds.timeoutMs);
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

export const readCaptionsOffThread: CaptionReader = captionReaderOffThread({ timeoutMs: CAPTION_PARSE_TIMEOUT_MS, heapMb: HEAP_MB });
