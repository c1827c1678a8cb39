// Runs the pipeline's Amazon States Language definition in-process (aws-local-stepfunctions),
// with each Task state mapped to a local function: the same retries, catches and Map
// concurrency as Step Functions, without AWS.
import { readFileSync } from 'node:fs';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { DEFINITION_FILE, substitute } from '../../core/stateMachineDefinition.ts';

export const TASK_STATES = ['Ingest', 'Transcribe', 'Score', 'TrackFace', 'Render', 'Finalize', 'JobFailed'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** The definition with `${Name}` placeholders replaced, as CDK's definitionSubstitutions does. */
export function loadDefinition(substitutions: Record<string, string>): StateMachineDefinition {
  return JSON.parse(substitute(readFileSync(DEFINITION_FILE, 'utf8'), substitutions)) as StateMachineDefinition;
}

/** Placeholders locally: never called, every Task is overridden by a local handler. */
export const LOCAL_SUBSTITUTIONS: Record<string, string> = Object.fromEntries(
  ['Ingest', 'Transcribe', 'Score', 'Track', 'Render', 'Finalize', 'JobFailed'].map((n) => [
    `${n}Resource`,
    `arn:aws:lambda:us-east-1:000000000000:function:clipforge-local-${n.toLowerCase()}`,
  ]),
);

export type LocalHandlers = Record<TaskState, (input: unknown) => Promise<unknown>>;

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
    taskResourceLocalHandlers: handlers as never,
    ...(opts.retryDelayMs !== undefined ? { retryIntervalOverrides: Object.fromEntries(TASK_STATES.map((s) => [s, opts.retryDelayMs!])) } : {}),
  };
  const execution = machine.run(input as never, { overrides, ...(opts.context ? { context: opts.context } : {}) });
  // A job cancelled before its execution started must not run.
  if (opts.signal?.aborted) execution.abort();
  else opts.signal?.addEventListener('abort', () => execution.abort(), { once: true });
  return execution.result;
}
