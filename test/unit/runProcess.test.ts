// A child whose output someone else controls (yt-dlp's page JSON) is stopped once its output
// passes the cap, instead of being held in memory whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputTooLarge, runProcess } from '../../src/media/runProcess.ts';

test('output past maxStdoutBytes stops the process with OutputTooLarge; output within it is returned', async () => {
  await assert.rejects(runProcess('sh', ['-c', 'yes page | head -c 50000000'], { maxStdoutBytes: 1024 * 1024, timeoutMs: 20_000 }), OutputTooLarge);
  const ok = await runProcess('sh', ['-c', 'printf "{}"'], { maxStdoutBytes: 1024 });
  assert.equal(ok.stdout, '{}');
});
