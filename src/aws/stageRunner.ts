// One pipeline step on AWS, for the stage Lambdas and the Fargate tasks alike: build the job's
// ports, run the stage, and wait for its progress writes before returning. Finalize and JobFailed
// also end the job's record and tell its subscribers.
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../core/ports.ts';
import { redactError } from '../core/redact.ts';
import { FinalizeInputSchema, finalize } from '../stages/finalize.ts';
import type { S3Storage } from '../adapters/aws/s3Storage.ts';
import type { ClipResult } from '../core/schemas.ts';
import { keepForEditsOnAws } from './keepForEdits.ts';
import { editProgress, runEditStep } from './editSteps.ts';
import { ingest } from '../stages/ingest.ts';
import { render } from '../stages/render.ts';
import { score } from '../stages/score.ts';
import type { StagePorts } from '../stages/stagePorts.ts';
import { track } from '../stages/track.ts';
import { transcribe } from '../stages/transcribe.ts';
import { joinTranscript, planTranscript, transcribeSpan } from '../stages/transcribeSpans.ts';
import type { AwsStageEnv } from './awsEnv.ts';
import { type AwsClients, awsStagePorts, outcomeDeps } from './awsPorts.ts';
import { markDone, markFailed, notifyCancelled, outputPrefix } from './jobOutcome.ts';
import { writeJobZip } from './jobZip.ts';
import { failureReason } from '../core/failureReason.ts';

export { failureReason };

export type AwsStage =
  | 'ingest'
  | 'planTranscript'
  | 'transcribe'
  | 'transcribeSpan'
  | 'joinTranscript'
  | 'score'
  | 'track'
  | 'render'
  | 'finalize'
  | 'jobFailed'
  | 'startEdit'
  | 'publishEdit'
  | 'editFailed';

const JobRef = z.object({ jobId: z.string().min(1) });
/** What a Catch puts in $.error: a Lambda's Cause is its JSON error report, a task's is the message. */
const FailureSchema = z.object({ jobId: z.string().min(1), error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).default({}) });

export interface StageContext {
  env: AwsStageEnv;
  clients: AwsClients;
  log: Logger;
  /** Transcriber, scorer or tracker for the stages that need one. */
  models?: Partial<StagePorts>;
  /** Fires when nobody waits for the work any more (a refused task heartbeat): the stage stops. */
  signal?: AbortSignal;
  /** Whether an OpenAI key is set (stages that read it): without one, speech goes to the offline engine's task. */
  speechApi?: boolean;
}

/** A clip task of an edit: its progress is the edit's (src/aws/editSteps.ts). */
const EditClipRef = z.object({ jobId: z.string(), renderId: z.string(), clip: z.object({ rank: z.number().int(), version: z.number().int().default(1) }) });

export async function runAwsStage(stage: AwsStage, input: unknown, ctx: StageContext): Promise<unknown> {
  const { jobId } = JobRef.parse(input);
  if (stage === 'startEdit' || stage === 'publishEdit' || stage === 'editFailed') {
    try {
      return await runEditStep(stage, input, ctx.env, ctx.clients, ctx.log);
    } catch (err) {
      throw redactError(err);
    }
  }
  const ports = awsStagePorts(ctx.env, ctx.clients, jobId, ctx.log, ctx.models, ctx.signal);
  const edit = EditClipRef.safeParse(input);
  if (edit.success) {
    const { renderId, clip } = edit.data;
    Object.assign(ports, { progress: editProgress(ctx.env, ctx.clients, { jobId, renderId, rank: clip.rank, version: clip.version }, ctx.log) });
  }
  try {
    switch (stage) {
      case 'ingest':
        return await ingest(input, ports);
      case 'planTranscript':
        return await planTranscript(input, ports, { spanSec: ctx.env.CLIPFORGE_TRANSCRIBE_SPAN_SEC, speechApi: ctx.speechApi ?? true });
      case 'transcribe':
        return await transcribe(input, ports);
      case 'transcribeSpan':
        return await transcribeSpan(input, ports);
      case 'joinTranscript':
        return await joinTranscript(input, ports);
      case 'score':
        return await score(input, ports);
      case 'track':
        return await track(input, ports);
      case 'render':
        return await render(input, ports);
      case 'finalize': {
        const manifest = await finalize(input, ports);
        // What an edit needs, and the job's ZIP, exist before the job is announced done.
        const f = FinalizeInputSchema.parse(input);
        if (f.transcriptKey && f.sourceFile && f.options) {
          await keepForEditsOnAws({
            s3: ctx.clients.s3,
            jobId,
            work: ports.work,
            outputs: ports.outputs as S3Storage,
            transcriptKey: f.transcriptKey,
            sourceFile: f.sourceFile,
            info: f.source,
            options: f.options,
            made: f.clips.filter((c): c is ClipResult => 'output' in c),
          });
        }
        await writeJobZip(ctx.clients.s3, ctx.env.OUTPUTS_BUCKET, outputPrefix(jobId), manifest);
        await ports.progress.flush();
        await markDone(outcomeDeps(ctx.env, ctx.clients), manifest);
        return manifest;
      }
      case 'jobFailed': {
        const failure = FailureSchema.parse(input);
        const deps = outcomeDeps(ctx.env, ctx.clients);
        const reason = failureReason(failure.error, (await deps.jobs.get(jobId))?.stage ?? undefined);
        if (await markFailed(deps, jobId, reason)) ctx.log.warn('job failed', { jobId, reason });
        // The execution-ended rule reports an abort; a cancelled job's subscribers are told so.
        else if (failure.error.Error === 'ABORTED') await notifyCancelled(deps, jobId);
        return {};
      }
    }
  } catch (err) {
    // What leaves a stage is stored in the job record, the execution history and pushed to clients.
    throw redactError(err);
  } finally {
    await ports.progress.flush();
    await rm(ports.scratch, { recursive: true, force: true });
  }
}
