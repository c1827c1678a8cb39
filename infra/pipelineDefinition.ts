// The pipeline definition as deployed: statemachine/pipeline.asl.json (the one both runtimes
// share) with its three long-running steps handed to workers by task token. Transcribe goes to
// the transcribe queue (the worker's bounded concurrency is the account-wide limit on speech-API
// calls); TrackFace and Render run as Fargate tasks. Each worker sends heartbeats, so one that
// dies (a Lambda killed at its 15-minute limit, a task that stops) fails its step within
// HeartbeatSeconds instead of its whole timeout. A task's input goes by reference: a state before
// it writes the input to the work bucket and the task gets its key, because RunTask's container
// overrides are capped at 8,192 characters and a long clip's text alone can exceed that (the task
// token, 1-2 KB, is the one large value left in them).
// The result still has `${Name}` placeholders, filled by the stack's definitionSubstitutions.
import { readFileSync } from 'node:fs';
import { DEFINITION_FILE } from '../src/core/stateMachineDefinition.ts';
/** The container name in both task definitions. */
export const TASK_CONTAINER = 'task';
/** A Fargate task must heartbeat at least this often (image pull and start included). */
export const TASK_HEARTBEAT_SEC = 600;
/**
 * How long a span may wait in the transcribe queue and run. A waitForTaskToken step's clocks start
 * when the message is sent, so a heartbeat limit there counted the wait for a free worker: with
 * five one-hour jobs at once (two workers, 60-120 s a span) most spans timed out before any worker
 * saw them. So the step has no heartbeat and one timeout sized for the queue: 40 jobs of three
 * 20-minute spans each, at 120 s a span, through two workers, wait at most 2 h. A worker that dies
 * is replaced by SQS's redelivery (the queue's visibility timeout), not by this clock.
 */
export const SPAN_QUEUE_TIMEOUT_SEC = 6 * 3600;

/** Where clip tasks' inputs are kept in the work bucket (under jobs/, which expires): jobs/<jobId>/tasks/… */
export const TASK_INPUT_PREFIX = 'jobs/';
const clipTaskKey = (stage: string) => `States.Format('${TASK_INPUT_PREFIX}{}/tasks/clip-{}-${stage}.json', $.jobId, $.clip.rank)`;
const jobTaskKey = (stage: string) => `States.Format('${TASK_INPUT_PREFIX}{}/tasks/${stage}.json', $.jobId)`;

function saveInput(stage: string, next: string, key = clipTaskKey(stage)): State {
  return {
    Type: 'Task',
    Comment: `Keeps the ${stage} task's input in the work bucket; the task gets its key.`,
    Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
    Parameters: { Bucket: '${WorkBucket}', 'Key.$': key, 'Body.$': '$', ContentType: 'application/json' },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
    Next: next,
  };
}

type State = Record<string, unknown> & { Type: string; Parameters?: unknown };
type Definition = { States: Record<string, State> };

/**
 * RunTask refusals that pass (Fargate capacity, the account's vCPU quota reached, API throttling):
 * waited out with backoff and jitter, up to about 20 minutes, before the task counts as failed.
 */
export const RUN_TASK_RETRY = {
  ErrorEquals: ['ECS.AmazonECSException', 'ECS.LimitExceededException', 'ECS.ThrottlingException', 'ECS.ServerException'],
  IntervalSeconds: 15,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 300,
  JitterStrategy: 'FULL',
};

function fargate(state: State, stage: string, taskDefinition: string, subnets: number, key = clipTaskKey(stage)): State {
  return {
    ...state,
    Retry: [RUN_TASK_RETRY, ...((state.Retry as unknown[] | undefined) ?? [])],
    Resource: 'arn:aws:states:::ecs:runTask.waitForTaskToken',
    HeartbeatSeconds: TASK_HEARTBEAT_SEC,
    Parameters: {
      LaunchType: 'FARGATE',
      Cluster: '${ClusterArn}',
      TaskDefinition: taskDefinition,
      PropagateTags: 'TASK_DEFINITION',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: Array.from({ length: subnets }, (_, i) => `\${Subnet${i}}`),
          SecurityGroups: ['${TaskSecurityGroup}'],
          AssignPublicIp: 'ENABLED',
        },
      },
      Overrides: {
        ContainerOverrides: [
          {
            Name: TASK_CONTAINER,
            Environment: [
              { Name: 'TASK_TOKEN', 'Value.$': '$$.Task.Token' },
              { Name: 'TASK_INPUT_KEY', 'Value.$': key },
            ],
          },
        ],
      },
    },
  };
}

/**
 * Transcribe becomes plan -> spans -> join (src/stages/transcribeSpans.ts): each span of at most 20
 * minutes of audio is one message to the worker queue and one worker run, so no run grows with
 * the source (a Lambda stops at 15 minutes; a 4-hour source in one run would not finish).
 */
function spanTranscription(def: Definition, workers: number, subnets: number): void {
  const { Transcribe: transcribe, ...rest } = def.States;
  const { Retry, Catch, Parameters, Next } = transcribe as State & { Retry: unknown; Catch: unknown; Next: string };
  const states: Record<string, State> = {};
  for (const [name, state] of Object.entries(rest)) {
    states[name] = state.Next === 'Transcribe' ? { ...state, Next: 'PlanTranscript' } : state;
    if (name !== 'Ingest') continue;
    states.PlanTranscript = {
      Type: 'Task',
      Resource: '${PlanTranscriptResource}',
      TimeoutSeconds: 900,
      Parameters,
      ResultPath: '$.transcriptPlan',
      Retry,
      Catch,
      Next: 'SpeechEngine',
    };
    // Without an OpenAI key the whole speech goes to the offline engine's task (faster-whisper on
    // Fargate: no 15-minute bound, so no spans; the model loads once); with one, spans to the worker.
    states.SpeechEngine = {
      Type: 'Choice',
      Comment: 'OpenAI key set: spans through the transcription worker; none: the offline engine task.',
      Choices: [{ Variable: '$.transcriptPlan.engine', StringEquals: 'offline', Next: 'SaveTranscribeInput' }],
      Default: 'TranscribeSpans',
    };
    states.SaveTranscribeInput = {
      ...saveInput('transcribe', 'TranscribeTask', jobTaskKey('transcribe')),
      Parameters: { Bucket: '${WorkBucket}', 'Key.$': jobTaskKey('transcribe'), Body: Parameters, ContentType: 'application/json' },
      Catch,
    };
    states.TranscribeTask = {
      ...fargate(
        { Type: 'Task', ResultPath: '$.transcript', Retry, Catch, Next } as State,
        'transcribe',
        '${TranscribeTaskDefinition}',
        subnets,
        jobTaskKey('transcribe'),
      ),
      // A 4-hour source at the slowest speed measured (0.25x real time on 2 vCPUs), with room.
      TimeoutSeconds: SPAN_QUEUE_TIMEOUT_SEC,
    };
    states.TranscribeSpans = {
      Type: 'Map',
      ItemsPath: '$.transcriptPlan.spans',
      // No more of a job's spans in flight than there are workers: the rest would only wait in the queue.
      MaxConcurrency: workers,
      ItemSelector: {
        'jobId.$': '$.jobId',
        'audioKey.$': '$.ingest.audioKey',
        'sourceId.$': '$.ingest.sourceId',
        'options.$': '$.options',
        'span.$': '$$.Map.Item.Value',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'TranscribeSpan',
        States: {
          TranscribeSpan: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            TimeoutSeconds: SPAN_QUEUE_TIMEOUT_SEC,
            Parameters: { QueueUrl: '${TranscribeQueueUrl}', MessageBody: { 'taskToken.$': '$$.Task.Token', 'input.$': '$' } },
            Retry,
            End: true,
          },
        },
      },
      ResultPath: '$.transcriptSpans',
      Catch,
      Next: 'JoinTranscript',
    };
    states.JoinTranscript = {
      Type: 'Task',
      Resource: '${JoinTranscriptResource}',
      TimeoutSeconds: 300,
      Parameters: { ...(Parameters as Record<string, unknown>), 'spans.$': '$.transcriptSpans' },
      ResultPath: '$.transcript',
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 2 }],
      Catch,
      Next,
    };
  }
  def.States = states;
}

/**
 * A URL source (a media URL or a page link) is ingested by a Fargate task, an upload by the ingest
 * Lambda. Fetching has no upper bound a Lambda could promise: an hour-long 1080p video from a slow
 * site takes longer than 15 minutes, and page links need yt-dlp (Python), which the task image
 * carries. Uploads (s3://) are read in place by range requests and stay on the cheaper Lambda.
 */
function urlIngest(def: Definition & { StartAt: string }, subnets: number): void {
  const { Ingest: ingest, ...rest } = def.States;
  const ingestState = ingest as State & { Next: string };
  def.States = {
    SourceKind: {
      Type: 'Choice',
      // Uploads (s3://, written by the API and the intake, always lower case) go to the Lambda; every
      // other source is a URL the API accepted, whatever the case of its scheme (HTTPS:// went to the Lambda).
      Comment: 'Uploads are read by the ingest Lambda; URL sources and page links are fetched by the ingest task.',
      Choices: [{ Variable: '$.source', StringMatches: 's3://*', Next: 'Ingest' }],
      Default: 'SaveIngestInput',
    },
    Ingest: ingestState,
    SaveIngestInput: saveInput('ingest', 'IngestTask', jobTaskKey('ingest')),
    IngestTask: { ...fargate(ingestState, 'ingest', '${IngestTaskDefinition}', subnets, jobTaskKey('ingest')), TimeoutSeconds: 4 * 3600 },
    ...rest,
  };
  // A failure to save the input ends the job as any ingest failure does (JobFailed, with the reason).
  def.States.SaveIngestInput = { ...def.States.SaveIngestInput!, Catch: ingestState.Catch };
  // A job (not an edit) starts at the choice of source.
  const route = def.States.Route as (State & { Default?: string }) | undefined;
  if (route?.Default === 'Ingest') route.Default = 'SourceKind';
  else def.StartAt = 'SourceKind';
}

/**
 * An edit's track and render run as the job's do: Fargate tasks whose input is saved to the work
 * bucket first (under the edit's version, so a later edit of the clip never reads an earlier one's).
 */
function editTasks(def: Definition, subnets: number): void {
  const key = (stage: string) => `States.Format('${TASK_INPUT_PREFIX}{}/tasks/edit-{}-v{}-${stage}.json', $.jobId, $.editTask.rank, $.editTask.version)`;
  const { EditTrack: track, EditRender: render } = def.States as Record<string, State & { Parameters?: Record<string, unknown> }>;
  const states: Record<string, State> = {};
  for (const [name, state] of Object.entries(def.States)) {
    if (name === 'EditTrack') {
      states.SaveEditTrackInput = {
        ...saveInput('track', 'EditTrack', key('track')),
        Parameters: { Bucket: '${WorkBucket}', 'Key.$': key('track'), 'Body.$': '$.editTask.task', ContentType: 'application/json' },
        Catch: track!.Catch,
      };
      const { InputPath: _input, ...rest } = track!;
      states.EditTrack = fargate(rest as State, 'track', '${TrackTaskDefinition}', subnets, key('track'));
    } else if (name === 'EditRender') {
      states.SaveEditRenderInput = {
        ...saveInput('render', 'EditRender', key('render')),
        Parameters: { Bucket: '${WorkBucket}', 'Key.$': key('render'), Body: render!.Parameters, ContentType: 'application/json' },
        Catch: render!.Catch,
      };
      states.EditRender = fargate(render!, 'render', '${RenderTaskDefinition}', subnets, key('render'));
    } else if (name === 'EditFrame') {
      const choice = state as State & { Choices: Array<{ Next: string }>; Default: string };
      states.EditFrame = { ...choice, Choices: choice.Choices.map((c) => ({ ...c, Next: 'SaveEditRenderInput' })), Default: 'SaveEditTrackInput' };
    } else {
      states[name] = state;
    }
  }
  (states.EditTrack as State).Next = 'SaveEditRenderInput';
  def.States = states;
}

/**
 * The deployed definition's JSON text; `subnets` is how many subnet placeholders tasks get,
 * `transcribeWorkers` how many transcription workers run at once (the queue's consumer).
 */
export function awsPipelineDefinition(subnets: number, transcribeWorkers = 2): string {
  const def = JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as Definition & { StartAt: string };
  spanTranscription(def, transcribeWorkers, subnets);
  urlIngest(def, subnets);
  editTasks(def, subnets);
  const clips = def.States.Clips as State & { ItemProcessor: Definition & { StartAt: string } };
  const inner = clips.ItemProcessor.States;
  const states: Record<string, State> = {
    SaveTrackInput: saveInput('track', 'TrackFace'),
    TrackFace: fargate(inner.TrackFace!, 'track', '${TrackTaskDefinition}', subnets),
    SaveRenderInput: saveInput('render', 'Render'),
    Render: fargate(inner.Render!, 'render', '${RenderTaskDefinition}', subnets),
  };
  states.TrackFace!.Next = 'SaveRenderInput';
  for (const [name, state] of Object.entries(inner)) states[name] ??= state;
  def.States.Clips = { ...clips, ItemProcessor: { ...clips.ItemProcessor, StartAt: 'SaveTrackInput', States: states } } as State;
  return JSON.stringify(def, null, 2);
}
