// The state machine definitions against the stages' schemas, with no media and no AWS: each Task
// state's handler checks the input the definition hands it (Parameters, ItemSelector, ResultPath
// of the states before) with the stage's own input schema, and answers with an output that its
// output schema accepts. A JSONPath that no longer matches what a stage expects fails here, not
// in the middle of a job. Walks the shared definition (the local runtime) and the deployed one
// (plan/spans/join transcription, the task inputs saved to S3, the Fargate steps).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClipTaskSchema, CropPathSchema, IngestOutputSchema, JobInputSchema, RenderedClipSchema } from '../../src/core/schemas.ts';
import { runStateMachine, type LocalHandlers } from '../../src/runtime/local/stateMachine.ts';
import { FinalizeInputSchema } from '../../src/stages/finalize.ts';
import { RenderInputSchema } from '../../src/stages/render.ts';
import { ScoreInputSchema, ScoreOutputSchema } from '../../src/stages/score.ts';
import { TranscribeInputSchema, TranscribeOutputSchema } from '../../src/stages/transcribe.ts';
import { JoinInputSchema, PlanOutputSchema, SpanInputSchema } from '../../src/stages/transcribeSpans.ts';
import { deployedDefinition } from '../helpers/deployedDefinition.ts';
import { z } from 'zod';
import { EditTaskSchema } from '../../src/editing/editClip.ts';
import { EditRequestSchema } from '../../src/aws/editSteps.ts';

const usage = { models: { 'whisper-1': { requests: 1, audioSeconds: 60, tokensIn: 0, tokensOut: 0 } }, cacheHits: 0 };
const clip = (rank: number, start: number) => ({
  rank,
  start,
  end: start + 20,
  score: 80,
  title: `Clip ${rank}`,
  reason: 'a complete thought',
  text: 'words words',
});
const OUT = {
  ingest: IngestOutputSchema.parse({
    sourceFile: 's3://b/u/talk.mp4',
    audioKey: 'j/speech.wav',
    captionsKey: null,
    sourceId: null,
    source: { path: 'talk.mp4', duration: 120, width: 1920, height: 1080, fps: 30 },
  }),
  transcribe: TranscribeOutputSchema.parse({ transcriptKey: 'j/transcript.json', words: 300, audioSeconds: 120, provider: 'openai', usage }),
  score: ScoreOutputSchema.parse({ clips: [clip(1, 10), clip(2, 60)], candidates: 12, scorer: 'first-pass', usage: { models: {}, cacheHits: 0 } }),
  track: CropPathSchema.parse({ crop: { w: 606, h: 1080 }, path: [{ t: 10, cx: 0.5, cy: 0.4 }], fallback: null }),
  render: RenderedClipSchema.parse({ file: 'clip-1.mp4', srt: 'clip-1.srt', vtt: 'clip-1.vtt', thumbnail: 'clip-1.jpg' }),
};
const jobInput = JobInputSchema.parse({ jobId: 'job-1', source: 's3://b/u/talk.mp4', options: { clips: 2, minSec: 15, maxSec: 45, language: 'de' } });

/** A handler that checks its input with `schema` and answers `output`; what it saw is kept. */
function stage(seen: Record<string, unknown[]>, name: string, schema: { parse(x: unknown): unknown }, output: unknown = {}) {
  return async (input: unknown) => {
    (seen[name] ??= []).push(schema.parse(input));
    return output;
  };
}
/** Finalize checks what it is handed; the manifest it makes from it is the finalize stage's own test. */
const finalizeStage = (seen: Record<string, unknown[]>) => async (input: unknown) => {
  const f = FinalizeInputSchema.parse(input);
  (seen.Finalize ??= []).push(f);
  return { jobId: f.jobId, clips: f.clips.length };
};
const noFailure = async (input: unknown) => assert.fail(`the job failed: ${JSON.stringify(input)}`);

test('the shared definition hands every stage what its schema requires (the local runtime)', async () => {
  const seen: Record<string, unknown[]> = {};
  const handlers: LocalHandlers = {
    Ingest: stage(seen, 'Ingest', JobInputSchema, OUT.ingest),
    Transcribe: stage(seen, 'Transcribe', TranscribeInputSchema, OUT.transcribe),
    Score: stage(seen, 'Score', ScoreInputSchema, OUT.score),
    TrackFace: stage(seen, 'TrackFace', ClipTaskSchema, OUT.track),
    Render: stage(seen, 'Render', RenderInputSchema, OUT.render),
    Finalize: finalizeStage(seen),
    JobFailed: noFailure,
  };
  assert.deepEqual(await runStateMachine(jobInput, handlers, { retryDelayMs: 0 }), { jobId: 'job-1', clips: 2 });
  assert.deepEqual(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.length])), {
    Ingest: 1,
    Transcribe: 1,
    Score: 1,
    TrackFace: 2,
    Render: 2,
    Finalize: 1,
  });
});

test("the deployed definition does too: plan, spans and join; the clip tasks' saved inputs; the Fargate and queue messages", async () => {
  const definition = deployedDefinition({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/transcribe', workBucket: 'work-bucket' });
  const seen: Record<string, unknown[]> = {};
  const saved = new Map<string, unknown>();
  const spans = PlanOutputSchema.parse({
    spans: [
      { index: 0, start: 0, end: 60 },
      { index: 1, start: 60, end: 120 },
    ],
    engine: 'api',
  });
  let plan = spans;
  const spanOut = (i: number) => ({ wordsKey: `job-1/transcript-span-00${i}.json`, provider: 'openai', model: 'whisper-1', usage });
  /** What a Fargate task would read: the input the state before saved under the key in its environment. */
  const fargate = (name: string, schema: { parse(x: unknown): unknown }, output: unknown) => async (params: any) => {
    const env = Object.fromEntries(params.Overrides.ContainerOverrides[0].Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
    assert.ok(saved.has(env.TASK_INPUT_KEY), `${name} reads ${env.TASK_INPUT_KEY}, which the state before wrote`);
    (seen[name] ??= []).push(schema.parse(saved.get(env.TASK_INPUT_KEY)));
    return output;
  };
  const handlers = {
    Ingest: stage(seen, 'Ingest', JobInputSchema, OUT.ingest),
    PlanTranscript: async (input: unknown) => stage(seen, 'PlanTranscript', TranscribeInputSchema, plan)(input),
    TranscribeSpan: async (params: any) => (
      (seen.TranscribeSpan ??= []).push(SpanInputSchema.parse(params.MessageBody.input)), spanOut(seen.TranscribeSpan.length - 1)
    ),
    JoinTranscript: stage(seen, 'JoinTranscript', JoinInputSchema, OUT.transcribe),
    Score: stage(seen, 'Score', ScoreInputSchema, OUT.score),
    SaveIngestInput: async (params: any) => (saved.set(params.Key, params.Body), {}),
    SaveTrackInput: async (params: any) => (saved.set(params.Key, params.Body), {}),
    SaveRenderInput: async (params: any) => (saved.set(params.Key, params.Body), {}),
    SaveTranscribeInput: async (params: any) => (saved.set(params.Key, params.Body), {}),
    TranscribeTask: fargate('TranscribeTask', TranscribeInputSchema, OUT.transcribe),
    IngestTask: fargate('IngestTask', JobInputSchema, OUT.ingest),
    TrackFace: fargate('TrackFace', ClipTaskSchema, OUT.track),
    Render: fargate('Render', RenderInputSchema, OUT.render),
    Finalize: finalizeStage(seen),
    JobFailed: noFailure,
    Transcribe: noFailure,
  } as LocalHandlers;
  assert.deepEqual(await runStateMachine(jobInput, handlers, { definition, context: { Task: { Token: 'token' } }, retryDelayMs: 0 }), {
    jobId: 'job-1',
    clips: 2,
  });
  assert.deepEqual(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.length])), {
    Ingest: 1,
    PlanTranscript: 1,
    TranscribeSpan: 2,
    JoinTranscript: 1,
    Score: 1,
    TrackFace: 2,
    Render: 2,
    Finalize: 1,
  });
  // The job's language reaches every span of the speech.
  for (const span of seen.TranscribeSpan as Array<{ options?: { language?: string } }>) assert.equal(span.options?.language, 'de');
  assert.deepEqual([...saved.keys()].sort(), [
    'jobs/job-1/tasks/clip-1-render.json',
    'jobs/job-1/tasks/clip-1-track.json',
    'jobs/job-1/tasks/clip-2-render.json',
    'jobs/job-1/tasks/clip-2-track.json',
  ]);
  // A URL source (a media URL or a page link) is ingested by the Fargate task, given the whole job input.
  const fromUrl = JobInputSchema.parse({ ...jobInput, source: 'https://example.com/talks/why.html' });
  await runStateMachine(fromUrl, handlers, { definition, context: { Task: { Token: 'token' } }, retryDelayMs: 0 });
  assert.equal(seen.Ingest!.length, 1, 'the Lambda ingested only the upload');
  assert.equal(seen.IngestTask!.length, 1);
  assert.equal((seen.IngestTask![0] as { source: string }).source, fromUrl.source);
  assert.ok(saved.has('jobs/job-1/tasks/ingest.json'));
  // No OpenAI key: the plan says offline, and the whole speech goes to the offline engine's task, given the transcribe input.
  plan = PlanOutputSchema.parse({ spans: [], engine: 'offline' });
  const [spansBefore, joinsBefore, scoresBefore] = [seen.TranscribeSpan!.length, seen.JoinTranscript!.length, seen.Score!.length];
  await runStateMachine(jobInput, handlers, { definition, context: { Task: { Token: 'token' } }, retryDelayMs: 0 });
  assert.equal(seen.TranscribeTask!.length, 1);
  assert.equal((seen.TranscribeTask![0] as { options?: { language?: string } }).options?.language, 'de', 'and the offline task');
  assert.equal(seen.TranscribeSpan!.length, spansBefore, 'no span sent to the worker');
  assert.equal(seen.JoinTranscript!.length, joinsBefore, 'nothing to join');
  assert.equal(seen.Score!.length, scoresBefore + 1, 'scored after the offline transcript as after the join');
});

/** An edit's task as StartEdit answers it (crop null: tracked again; a crop: reused). */
function editTask(crop: unknown) {
  return EditTaskSchema.parse({
    jobId: 'job-1',
    renderId: 'e0123456789ab',
    rank: 2,
    version: 3,
    changed: ['bounds'],
    lock: 'clip-2',
    task: {
      jobId: 'job-1',
      sourceFile: 's3://outputs/jobs/job-1/source.mp4',
      source: OUT.ingest.source,
      transcriptKey: 'job-1/edit-2-v3/transcript.json',
      clip: { ...clip(2, 60), version: 3 },
      options: jobInput.options,
      renderId: 'e0123456789ab',
    },
    crop,
    look: { aspect: '9:16', layout: 'auto', captionStyle: 'boxed', hookTitle: false },
    corrections: [],
    byHand: false,
  });
}
const editInput = { jobId: 'job-1', edit: { renderId: 'e0123456789ab', rank: 2, edit: { end: 95 } } };
const PublishInputSchema = z.object({ jobId: z.string(), editTask: EditTaskSchema.extend({ crop: CropPathSchema }), output: RenderedClipSchema });

test('an edit runs the per-clip part of both definitions: StartEdit, track only when the frame moved, render, publish', async () => {
  const deployed = deployedDefinition({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/transcribe', workBucket: 'work-bucket' });
  for (const [name, definition] of [
    ['shared', undefined],
    ['deployed', deployed],
  ] as const) {
    for (const kept of [null, OUT.track]) {
      const seen: Record<string, unknown[]> = {};
      const saved = new Map<string, unknown>();
      const fargate = (state: string, schema: { parse(x: unknown): unknown }, output: unknown) => async (params: any) => {
        const env = Object.fromEntries(params.Overrides.ContainerOverrides[0].Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
        assert.ok(saved.has(env.TASK_INPUT_KEY), `${state} reads ${env.TASK_INPUT_KEY}, which the state before wrote`);
        (seen[state] ??= []).push(schema.parse(saved.get(env.TASK_INPUT_KEY)));
        return output;
      };
      const save = async (params: any) => (saved.set(params.Key, params.Body), {});
      const handlers = {
        ...Object.fromEntries(['Ingest', 'Transcribe', 'Score', 'TrackFace', 'Render', 'Finalize', 'JobFailed'].map((s) => [s, noFailure])),
        StartEdit: stage(seen, 'StartEdit', z.object({ jobId: z.literal('job-1'), edit: EditRequestSchema }), editTask(kept)),
        EditTrack: definition ? fargate('EditTrack', ClipTaskSchema, OUT.track) : stage(seen, 'EditTrack', ClipTaskSchema, OUT.track),
        EditRender: definition ? fargate('EditRender', RenderInputSchema, OUT.render) : stage(seen, 'EditRender', RenderInputSchema, OUT.render),
        SaveEditTrackInput: save,
        SaveEditRenderInput: save,
        PublishEdit: stage(seen, 'PublishEdit', PublishInputSchema, { rank: 2, version: 3 }),
        EditFailed: noFailure,
        EditRefused: noFailure,
      } as unknown as LocalHandlers;
      const out = await runStateMachine(editInput, handlers, { ...(definition ? { definition } : {}), context: { Task: { Token: 'token' } }, retryDelayMs: 0 });
      assert.deepEqual(out, { rank: 2, version: 3 }, `${name}, crop ${kept ? 'kept' : 'tracked'}`);
      assert.deepEqual(
        Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.length])),
        { StartEdit: 1, ...(kept ? {} : { EditTrack: 1 }), EditRender: 1, PublishEdit: 1 },
        `${name}: the steps of an edit whose crop is ${kept ? 'kept' : 'tracked'}`,
      );
      const rendered = seen.EditRender![0] as { renderId?: string; clip: { version?: number } };
      assert.equal(rendered.renderId, 'e0123456789ab', 'the render reports as the edit');
      assert.equal(rendered.clip.version, 3, 'and writes the new version');
      if (definition)
        assert.ok(
          [...saved.keys()].every((k) => k.startsWith('jobs/job-1/tasks/edit-2-v3-')),
          [...saved.keys()].join(', '),
        );
    }
  }
});
