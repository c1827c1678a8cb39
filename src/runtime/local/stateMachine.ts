// Runs the pipeline's Amazon States Language definition in-process (aws-local-stepfunctions),
// with each Task state mapped to a local function: the same retries, catches and Map
// concurrency as Step Functions, without AWS.
import { readFileSync } from 'node:fs';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { DEFINITION_FILE, substitute } from '../../core/stateMachineDefinition.ts';

export const JOB_TASK_STATES = ['Ingest', 'Transcribe', 'Score', 'TrackFace', 'Render', 'Finalize', 'JobFailed'] as const;
/** An edit's steps (src/editing/editClip.ts): the per-clip part of the same definition. */
export const EDIT_TASK_STATES = ['StartEdit', 'EditTrack', 'EditRender', 'PublishEdit', 'EditFailed', 'EditRefused'] as const;
export const TASK_STATES = [...JOB_TASK_STATES, ...EDIT_TASK_STATES] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** The definition with `${Name}` placeholders replaced, as CDK's definitionSubstitutions does. */
export function loadDefinition(substitutions: Record<string, string>): StateMachineDefinition {
  return JSON.parse(substitute(readFileSync(DEFINITION_FILE, 'utf8'), substitutions)) as StateMachineDefinition;
}

/** Placeholders locally: never called, every Task is overridden by a local handler. */
export const LOCAL_SUBSTITUTIONS: Record<string, string> = Object.fromEntries(
  ['Ingest', 'Transcribe', 'Score', 'Track', 'Render', 'Finalize', 'JobFailed', 'StartEdit', 'PublishEdit', 'EditFailed'].map((n) => [
    `${n}Resource`,
    `arn:aws:lambda:us-east-1:000000000000:function:clipforge-local-${n.toLowerCase()}`,
  ]),
);

type Handler = (input: unknown) => Promise<unknown>;
/** A job's steps, and an edit's when the run may be one (missing ones refuse: a job's input never routes to them). */
export type LocalHandlers = Record<(typeof JOB_TASK_STATES)[number], Handler> & Partial<Record<(typeof EDIT_TASK_STATES)[number], Handler>>;
const notAnEdit = async () => {
  throw new Error('an edit step was reached in a job run');
};

export interface RunMachineOptions {
  /** Milliseconds to wait before each retry, instead of the definition's intervals. */
  retryDelayMs?: number;
  signal?: AbortSignal;
  /** Another form of the definition (the deployed one, in tests); default: the shared one with local placeholders. */
  definition?: StateMachineDefinition;
  /** The Context Object, e.g. `{ Task: { Token } }` for a definition that hands out task tokens. */
  context?: Record<string, unknown>;
}

export async function runStateMachine(input: unknown, handlers: LocalHandlers, opts: RunMachineOptions = {}): Promise<unknown> {
  const machine = new StateMachine(opts.definition ?? loadDefinition(LOCAL_SUBSTITUTIONS), { validationOptions: { checkArn: true } });
  const overrides = {
    taskResourceLocalHandlers: { ...Object.fromEntries(EDIT_TASK_STATES.map((s) => [s, notAnEdit])), ...handlers } as never,
    ...(opts.retryDelayMs !== undefined ? { retryIntervalOverrides: Object.fromEntries(TASK_STATES.map((s) => [s, opts.retryDelayMs!])) } : {}),
  };
  const execution = machine.run(input as never, { overrides, ...(opts.context ? { context: opts.context } : {}) });
  // A job cancelled before its execution started must not run.
  if (opts.signal?.aborted) execution.abort();
  else opts.signal?.addEventListener('abort', () => execution.abort(), { once: true });
  return execution.result;
}
