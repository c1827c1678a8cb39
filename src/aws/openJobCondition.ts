// The no-revival rule (src/jobs/status.ts) as a DynamoDB condition: a write to a job record
// applies only while the job is still open.
import { OPEN_STATUSES } from '../jobs/status.ts';

/** `#s IN (:open0, :open1)`, with its names and values, to merge into an UpdateCommand. */
export function openJobCondition(statusName = '#s'): { expression: string; values: Record<string, string> } {
  const values = Object.fromEntries(OPEN_STATUSES.map((s, i) => [`:open${i}`, s]));
  return { expression: `${statusName} IN (${Object.keys(values).join(', ')})`, values };
}
