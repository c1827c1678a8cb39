// POST /jobs with an Idempotency-Key on `clipforge serve`: the same contract as the AWS API
// (test/aws/api.test.ts), kept in the job store so it holds across a restart.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CentreTracker } from '../../src/adapters/face/centreTracker.ts';
import { startServer } from '../../src/serve/server.ts';
import { call } from '../helpers/serveClient.ts';

const quiet = { info: () => undefined, warn: () => undefined };

test('a retried POST /jobs with the same Idempotency-Key gets the first job, also after a restart; the key with another request is refused', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'serve-idem-'));
  const settings = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    concurrency: 1,
    backlog: 10,
    maxUploadBytes: 1024 * 1024,
    log: quiet,
    jobPorts: { tracker: new CentreTracker('test') },
  };
  // A URL nothing answers: the job fails fast, which does not matter here.
  const req = { source: { url: 'http://127.0.0.1:9/talk.mp4' }, options: { clips: 1 } };
  let srv = await startServer(settings);
  const first = await call(srv.url, 'POST', '/jobs', req, { 'idempotency-key': 'upload-42' });
  assert.equal(first.status, 202, JSON.stringify(first.json));
  const again = await call(srv.url, 'POST', '/jobs', { options: { clips: 1 }, source: req.source }, { 'idempotency-key': 'upload-42' });
  assert.equal(again.json.jobId, first.json.jobId);
  await srv.close();

  srv = await startServer(settings);
  try {
    const later = await call(srv.url, 'POST', '/jobs', req, { 'idempotency-key': 'upload-42' });
    assert.equal(later.json.jobId, first.json.jobId, 'remembered across a restart');
    assert.equal((await call(srv.url, 'GET', '/jobs')).json.jobs.length, 1);
    const other = await call(srv.url, 'POST', '/jobs', { source: { url: 'http://127.0.0.1:9/other.mp4' } }, { 'idempotency-key': 'upload-42' });
    assert.equal(other.status, 422);
    assert.match(other.json.error, /already used for a different request/);
    assert.equal((await call(srv.url, 'POST', '/jobs', req, { 'idempotency-key': 'bad key!' })).status, 400);
    assert.notEqual((await call(srv.url, 'POST', '/jobs', req)).json.jobId, first.json.jobId, 'no key, a new job');
  } finally {
    await srv.close();
  }
});
