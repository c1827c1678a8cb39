// Transcription under load, by Step Functions' own clock rules applied to the deployed
// definition's numbers: a waitForTaskToken step's HeartbeatSeconds and TimeoutSeconds run from
// the moment its message is sent (time waiting in the queue counts), its Retry resends the
// message, a Map runs at most MaxConcurrency iterations, and the account's workers (the queue's
// consumer) take messages in order. Seconds are simulated, so an hour of queueing costs
// milliseconds. The definition of the last release (heartbeat 180 s, no span bound) is run too:
// the model must show its failure, or it shows nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsPipelineDefinition } from '../../infra/pipelineDefinition.ts';
import { TRANSCRIBE_HEARTBEAT_MS } from '../../src/aws/transcribeWorker.ts';

type SpanStep = { TimeoutSeconds?: number; HeartbeatSeconds?: number; Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }> };
interface Rules {
  step: SpanStep;
  maxConcurrency: number;
}

function rulesOf(definition: string): Rules {
  const spans = JSON.parse(definition).States.TranscribeSpans;
  return { step: spans.ItemProcessor.States.TranscribeSpan, maxConcurrency: spans.MaxConcurrency ?? 0 };
}

interface Load {
  jobs: number;
  spansPerJob: number;
  workSec: number;
  workers: number;
  /** The worker stops when a heartbeat is refused (this release), or works on regardless (the last). */
  stopsWhenRefused: boolean;
}

/** How many jobs finish their transcription. */
function simulate(rules: Rules, load: Load): number {
  const retries = rules.step.Retry?.find((r) => r.ErrorEquals.includes('States.ALL') || r.ErrorEquals.includes('States.Timeout'))?.MaxAttempts ?? 0;
  const beat = TRANSCRIBE_HEARTBEAT_MS / 1000;
  type Task = { job: number; span: number; sentAt: number; attempt: number; dead: boolean; pickedAt?: number };
  const jobs = Array.from({ length: load.jobs }, () => ({ next: 0, done: 0, inFlight: 0, failed: false }));
  const queue: Task[] = [];
  const workers: Array<{ task?: Task; until: number }> = Array.from({ length: load.workers }, () => ({ until: 0 }));
  const send = (job: number, span: number, t: number, attempt = 0) => {
    queue.push({ job, span, sentAt: t, attempt, dead: false });
    jobs[job]!.inFlight++;
  };
  const fill = (job: number, t: number) => {
    const j = jobs[job]!;
    while (!j.failed && j.next < load.spansPerJob && (rules.maxConcurrency === 0 || j.inFlight < rules.maxConcurrency)) send(job, j.next++, t);
  };
  const fail = (task: Task, t: number) => {
    task.dead = true;
    const j = jobs[task.job]!;
    j.inFlight--;
    if (j.failed) return;
    if (task.attempt < retries) send(task.job, task.span, t, task.attempt + 1);
    else j.failed = true;
  };
  for (let i = 0; i < jobs.length; i++) fill(i, 0);
  const timedOut = (task: Task, t: number) =>
    (rules.step.TimeoutSeconds !== undefined && t - task.sentAt > rules.step.TimeoutSeconds) ||
    (rules.step.HeartbeatSeconds !== undefined && task.pickedAt === undefined && t - task.sentAt > rules.step.HeartbeatSeconds);
  for (let t = 0; t < 48 * 3600; t++) {
    for (const w of workers) {
      if (w.task && w.until <= t) {
        const task = w.task;
        w.task = undefined;
        if (!task.dead) {
          const j = jobs[task.job]!;
          j.inFlight--;
          j.done++;
          fill(task.job, t);
        }
      }
    }
    for (const task of [...queue, ...workers.flatMap((w) => (w.task ? [w.task] : []))]) if (!task.dead && timedOut(task, t)) fail(task, t);
    for (const w of workers) {
      // A worker's first heartbeat tells it at once whether anybody still waits.
      while (!w.task && queue.length) {
        const task = queue.shift()!;
        if (task.dead && load.stopsWhenRefused) continue;
        task.pickedAt = t;
        w.task = task;
        w.until = t + load.workSec;
      }
      if (w.task?.dead && load.stopsWhenRefused && (t - w.task.pickedAt!) % beat === 0) w.task = undefined;
    }
    if (jobs.every((j) => j.failed || j.done === load.spansPerJob)) break;
  }
  return jobs.filter((j) => !j.failed && j.done === load.spansPerJob).length;
}

/** The TranscribeSpan step as the last release deployed it. */
function lastRelease(): Rules {
  const rules = rulesOf(awsPipelineDefinition(2, 2));
  return { step: { ...rules.step, HeartbeatSeconds: 180, TimeoutSeconds: 1800 }, maxConcurrency: 0 };
}

const deployed = rulesOf(awsPipelineDefinition(2, 2));

test('20 concurrent one-hour jobs (three spans each, 120 s a span, two workers) all finish their transcription', () => {
  const load = { jobs: 20, spansPerJob: 3, workSec: 120, workers: 2, stopsWhenRefused: true };
  assert.equal(simulate(deployed, load), 20);
  assert.ok(simulate(lastRelease(), { ...load, stopsWhenRefused: false }) < 20, 'the last release failed most of them');
});

test('a hundred jobs at 60 s a span, and one four-hour job (12 spans) at 120 s a span, all finish', () => {
  assert.equal(simulate(deployed, { jobs: 100, spansPerJob: 3, workSec: 60, workers: 2, stopsWhenRefused: true }), 100);
  assert.equal(simulate(deployed, { jobs: 1, spansPerJob: 12, workSec: 120, workers: 2, stopsWhenRefused: true }), 1);
  assert.equal(simulate(lastRelease(), { jobs: 1, spansPerJob: 12, workSec: 120, workers: 2, stopsWhenRefused: false }), 0, 'the last release failed it');
});
