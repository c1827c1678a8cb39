// The package's entry point, imported by its name as a dependent project would.
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('the package entry exports the job runner, the stages, the schemas and the error kinds', async () => {
  const lib = await import('clipforge');
  for (const name of ['runLocalJob', 'ingest', 'transcribe', 'score', 'track', 'render', 'finalize', 'planTranscript', 'transcribeSpan', 'joinTranscript']) {
    assert.equal(typeof (lib as Record<string, unknown>)[name], 'function', name);
  }
  assert.equal(lib.JobInputSchema.parse({ jobId: 'a', source: 'talk.mp4', options: {} }).options.clips, 'auto', 'schemas with their defaults');
  assert.equal(new lib.InputError('x').name, 'InputError');
});
