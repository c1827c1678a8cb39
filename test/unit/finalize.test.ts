// The manifest when some clips could not be made: the others are listed, the failed ones with
// their reasons; no clip made at all fails the job with every reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NoClipMade, buildManifest } from '../../src/stages/finalize.ts';

const plan = (rank: number) => ({ rank, start: rank * 30, end: rank * 30 + 20, score: 90 - rank, title: `Clip ${rank}`, reason: 'r', text: 't' });
const made = (rank: number) => ({
  clip: plan(rank),
  crop: { crop: { w: 405, h: 720 }, path: [{ t: 0, cx: 0.5, cy: 0.5 }], fallback: null, layout: 'follow' as const },
  output: { file: `clip-${rank}.mp4`, srt: `clip-${rank}.srt`, vtt: `clip-${rank}.vtt`, thumbnail: `clip-${rank}.jpg` },
});
const lambdaReport = (message: string) => JSON.stringify({ errorType: 'Error', errorMessage: message });
const input = (clips: unknown[]) => ({
  jobId: 'j',
  source: { path: 'talk.mp4', duration: 200, width: 1280, height: 720, fps: 30 },
  transcript: { audioSeconds: 200, provider: 'test' },
  scorer: 'first-pass',
  clips,
  timings: {},
});

test('a clip that failed is listed with its reason; the others are the clips', () => {
  const m = buildManifest(
    input([made(1), { clip: plan(2), failure: { Error: 'Error', Cause: lambdaReport('ffmpeg was killed by SIGKILL') } }, made(3)]) as never,
  );
  assert.deepEqual(
    m.clips.map((c) => c.rank),
    [1, 3],
  );
  assert.deepEqual(m.failedClips, [{ rank: 2, start: 60, end: 80, title: 'Clip 2', error: 'ffmpeg was killed by SIGKILL' }]);
  const clean = buildManifest(input([made(1)]) as never);
  assert.equal(clean.failedClips, undefined, 'no list when every clip was made');
});

test('no clip made at all is a failure naming every reason', () => {
  assert.throws(
    () =>
      buildManifest(
        input([
          { clip: plan(1), failure: { Error: 'States.Timeout' } },
          { clip: plan(2), failure: { Error: 'Error', Cause: 'disk full' } },
        ]) as never,
      ),
    (err: Error) => err instanceof NoClipMade && /clip 1: a step took longer/.test(err.message) && /clip 2: disk full/.test(err.message),
  );
});
