// The caption parser in a worker thread (src/runtime/local/captionThread.ts): the text in, the
// words or the parser's refusal out.
import { parentPort, workerData } from 'node:worker_threads';
import { CaptionParseError, type CaptionLimits, captionWords } from '../../captions/parseCaptions.ts';

const { text, limits } = workerData as { text: string; limits: CaptionLimits };
try {
  parentPort!.postMessage({ ok: true, words: captionWords(text, limits) });
} catch (err) {
  parentPort!.postMessage({ ok: false, refused: err instanceof CaptionParseError, message: (err as Error).message });
}
