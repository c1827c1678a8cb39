// A failed tool's message as a job shows it: what went wrong, never a Python traceback's frames
// or the paths of the install or the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessError } from '../../src/core/errors.ts';

test('a Python traceback becomes its last words; paths are cut to their last part', () => {
  const stderr = [
    'Traceback (most recent call last):',
    '  File "/work/main/.venv/lib/python3.11/site-packages/facetrack/__main__.py", line 40, in <module>',
    '    main()',
    '  File "/work/main/containers/face-tracker/facetrack/track.py", line 12, in main',
    '    raise RuntimeError(f"cannot decode {path}")',
    'RuntimeError: cannot decode /srv/clipforge-data/uploads/abc/talk.mp4',
  ].join('\n');
  const err = new ProcessError('/work/main/.venv/bin/python', 1, null, stderr);
  assert.equal(err.message, 'python exited with code 1: RuntimeError: cannot decode talk.mp4');
  assert.doesNotMatch(err.message, /\/work\/main|site-packages|Traceback/);
});
