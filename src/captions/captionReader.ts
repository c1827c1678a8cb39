// How a stage reads a caption file's words: in the same thread (a Lambda or task serves one job,
// so blocking it blocks nobody), or off it where one event loop serves many (serve: see
// src/runtime/local/captionThread.ts). Either way the same parser and the same limits.
import type { Word } from '../core/schemas.ts';
import { type CaptionLimits, captionWords } from './parseCaptions.ts';

export type CaptionReader = (text: string, limits: CaptionLimits) => Promise<Word[]>;

export const readCaptionsInline: CaptionReader = async (text, limits) => captionWords(text, limits);
