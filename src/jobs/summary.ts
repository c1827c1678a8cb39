// A job as the API lists it, from its record (both runtimes).
import type { JobSummary } from '../api/schemas.ts';
import type { JobRecord } from './jobRepository.ts';

export function summary(j: JobRecord): JobSummary {
  return {
    jobId: j.jobId,
    status: j.status,
    name: j.name,
    attempts: j.attempts,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    stage: j.stage,
    pct: j.pct,
    message: j.message,
    error: j.error,
  };
}
