// The process a serve job runs in (started by src/runtime/local/jobProcess.ts): the request
// comes in, progress, log lines and the outcome go out, and OpenAI turns are serve's. One job per
// process, so caption files are parsed right here: a file that exhausts this heap ends this job
// only. Serve gone (the channel closed) means the job is abandoned as a cancel would.
import { readCaptionsInline } from '../../captions/captionReader.ts';
import { limitThrough } from '../../adapters/openai/openaiClient.ts';
import { errorMessage } from '../../core/errors.ts';
import type { FromJobProcess, ToJobProcess } from './jobProcess.ts';
import { limiterRelay } from './limiterRelay.ts';
import { JobFailedError, runLocalJob } from './runJob.ts';

const send = (m: FromJobProcess) => process.send?.(m, () => undefined);
const controller = new AbortController();
const relay = limiterRelay(send);
limitThrough(relay.limiterFor);

process.on('message', (m: ToJobProcess) => {
  if (m.type === 'granted') relay.granted(m);
  else if (m.type === 'cancel') controller.abort(new Error(m.reason));
  else if (m.type === 'start') void run(m.request);
});
process.on('disconnect', () => controller.abort(new Error('server stopping')));

async function run(request: Extract<ToJobProcess, { type: 'start' }>['request']): Promise<void> {
  let outcome: FromJobProcess;
  try {
    const manifest = await runLocalJob({
      ...request,
      progress: { emit: (event) => send({ type: 'progress', event }) },
      log: {
        info: (message, fields) => send({ type: 'log', level: 'info', message, ...(fields ? { fields } : {}) }),
        warn: (message, fields) => send({ type: 'log', level: 'warn', message, ...(fields ? { fields } : {}) }),
      },
      signal: controller.signal,
      ports: { captions: readCaptionsInline },
    });
    outcome = { type: 'done', manifest };
  } catch (err) {
    outcome = { type: 'failed', ...(err instanceof JobFailedError ? { kind: err.kind } : {}), message: errorMessage(err) };
  }
  // The outcome reaches serve before the process ends (open handles such as the transcript cache would keep it alive).
  if (process.connected) process.send!(outcome, () => process.exit(0));
  else process.exit(0);
}
