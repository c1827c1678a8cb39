// Why a step failed, in words, from what a Catch puts in $.error (or a clip's $.failure): a
// Lambda's Cause is its JSON error report, a task's is the message; Step Functions' own timeouts
// name no stage, so the caller gives the one the job was in. One rule for the job and its clips.
import { redactSecrets } from './redact.ts';

export type StepFailure = { Error?: string | undefined; Cause?: string | undefined };

/**
 * Why a job failed, in words. `stage`: the stage the job was in (its record's), which Step
 * Functions' own timeouts do not name (they reached users as a bare "States.Timeout").
 */
export function failureReason(error: StepFailure, stage?: string): string {
  const where = stage ? `the ${stage} step` : 'a step';
  if (error.Error === 'States.Timeout')
    return `${where} took longer than its time limit and was stopped (a very long source, or the service was busy: try again, or a shorter video)`;
  if (error.Error === 'States.HeartbeatTimeout') return `${where} stopped reporting (its worker was lost) and was stopped; try again`;
  let cause = error.Cause ?? '';
  try {
    const report = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof report.errorMessage === 'string') cause = report.errorMessage;
  } catch {
    // a plain message
  }
  const kind = error.Error ?? 'Error';
  return redactSecrets(cause ? (kind === 'Error' || cause.startsWith(kind) ? cause : `${kind}: ${cause}`) : kind);
}
