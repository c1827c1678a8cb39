// How a job ends on AWS: its record says done (with the manifest) or failed (with the reason),
// and its WebSocket subscribers get the final message. A job that ended meanwhile (cancelled)
// keeps its end: the repository refuses the write and nothing is pushed.
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Manifest } from '../core/schemas.ts';
import type { JobRepository } from '../jobs/jobRepository.ts';
import { messages } from '../jobs/messages.ts';
import { type Connections, push } from './connections.ts';

export interface OutcomeDeps {
  jobs: JobRepository;
  connections: Connections;
  api: ApiGatewayManagementApiClient;
}

/** The outputs bucket prefix of a job's clips (the API presigns links under it). */
export const outputPrefix = (jobId: string) => `jobs/${jobId}/`;

/** Returns false when the job had already ended (cancelled): nothing is changed or pushed. */
export async function markDone(deps: OutcomeDeps, manifest: Manifest): Promise<boolean> {
  const changed = await deps.jobs.end(manifest.jobId, { status: 'done', manifest });
  if (changed) await push(deps.connections, deps.api, manifest.jobId, messages.done(manifest.jobId, manifest));
  return changed;
}

export async function markFailed(deps: OutcomeDeps, jobId: string, error: string): Promise<boolean> {
  const changed = await deps.jobs.end(jobId, { status: 'failed', error });
  if (changed) await push(deps.connections, deps.api, jobId, messages.failed(jobId, error));
  return changed;
}

/** An execution stopped by a cancel through the API: its subscribers learn it ended (the API only stopped it). */
export async function notifyCancelled(deps: OutcomeDeps, jobId: string): Promise<boolean> {
  if ((await deps.jobs.get(jobId))?.status !== 'cancelled') return false;
  await push(deps.connections, deps.api, jobId, messages.cancelled(jobId));
  return true;
}
