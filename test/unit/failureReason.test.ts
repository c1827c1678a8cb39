// Why a job failed, as the user reads it: Step Functions' own timeouts in words with the stage
// they stopped, a Lambda's error report unwrapped, secrets redacted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureReason } from '../../src/aws/stageRunner.ts';

test('a step that timed out or stopped heartbeating is said in words, naming the stage', () => {
  const timeout = failureReason({ Error: 'States.Timeout', Cause: '' }, 'transcribe');
  assert.match(timeout, /^the transcribe step took longer than its time limit/);
  assert.doesNotMatch(timeout, /States\./);
  assert.match(failureReason({ Error: 'States.HeartbeatTimeout' }, 'render'), /^the render step stopped reporting/);
  assert.match(failureReason({ Error: 'States.Timeout' }), /^a step took longer/);
});

test("a Lambda's error report gives its message; other errors keep their kind", () => {
  assert.equal(
    failureReason({ Error: 'InputError', Cause: JSON.stringify({ errorType: 'InputError', errorMessage: 'not a video' }) }),
    'InputError: not a video',
  );
  assert.equal(failureReason({ Error: 'Error', Cause: 'disk full' }), 'disk full');
});
