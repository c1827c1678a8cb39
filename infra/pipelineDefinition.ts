// The pipeline definition as deployed: statemachine/pipeline.asl.json (the one both runtimes
// share) with its three long-running steps handed to workers by task token. Transcribe goes to
// the transcribe queue (the worker's bounded concurrency is the account-wide limit on speech-API
// calls); TrackFace and Render run as Fargate tasks that get the token and their input in the
// environment and send heartbeats, so a task that dies fails its step within HeartbeatSeconds.
// The result still has `${Name}` placeholders, filled by the stack's definitionSubstitutions.
import { readFileSync } from 'node:fs';
import { DEFINITION_FILE } from '../src/core/stateMachineDefinition.ts';
/** The container name in both task definitions. */
export const TASK_CONTAINER = 'task';
/** A Fargate task must heartbeat at least this often (image pull and start included). */
export const TASK_HEARTBEAT_SEC = 600;

type State = Record<string, unknown> & { Type: string; Parameters?: unknown };
type Definition = { States: Record<string, State> };

function fargate(state: State, taskDefinition: string, subnets: number): State {
  return {
    ...state,
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
              { Name: 'TASK_INPUT', 'Value.$': 'States.JsonToString($)' },
            ],
          },
        ],
      },
    },
  };
}

/** The deployed definition's JSON text; `subnets` is how many subnet placeholders tasks get. */
export function awsPipelineDefinition(subnets: number): string {
  const def = JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as Definition;
  const transcribe = def.States.Transcribe!;
  def.States.Transcribe = {
    ...transcribe,
    Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: '${TranscribeQueueUrl}', MessageBody: { 'taskToken.$': '$$.Task.Token', input: transcribe.Parameters } },
  };
  const clips = def.States.Clips as State & { ItemProcessor: Definition };
  const inner = clips.ItemProcessor.States;
  inner.TrackFace = fargate(inner.TrackFace!, '${TrackTaskDefinition}', subnets);
  inner.Render = fargate(inner.Render!, '${RenderTaskDefinition}', subnets);
  def.States.Clips = { ...clips, ItemProcessor: { ...clips.ItemProcessor, States: inner } } as State;
  return JSON.stringify(def, null, 2);
}
