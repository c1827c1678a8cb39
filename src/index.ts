// clipforge as a library: run a whole job on this machine, or call the stages with your own ports
// (storage, encoder, transcriber, scorer, tracker, progress), validate with the same schemas, and
// tell errors apart by kind. TypeScript sources: import them with tsx, or bundle them.
export { runLocalJob, JobFailedError, type LocalJobRequest } from './runtime/local/runJob.ts';
export { ingest } from './stages/ingest.ts';
export { transcribe, TranscribeInputSchema, TranscribeOutputSchema, type TranscribeOutput } from './stages/transcribe.ts';
export { planTranscript, transcribeSpan, joinTranscript } from './stages/transcribeSpans.ts';
export { score, ScoreInputSchema, ScoreOutputSchema, type ScoreOutput } from './stages/score.ts';
export { track } from './stages/track.ts';
export { render, RenderInputSchema } from './stages/render.ts';
export { finalize, FinalizeInputSchema } from './stages/finalize.ts';
export type { StagePorts } from './stages/stagePorts.ts';
export type * from './core/ports.ts';
export * from './core/schemas.ts';
export { InputError, ProcessError, MediaReadError } from './core/errors.ts';
