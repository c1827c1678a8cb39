// The face-following crop inside the whole job: a real face stays in the rendered frame, and a
// tracker killed mid-run costs only the framing, never the job.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { MediapipeTracker, TRACKER_DIR, mediapipeAvailable } from '../../src/adapters/face/mediapipeTracker.ts';
import { projectPython } from '../../src/core/projectRoot.ts';
import { runLocalJob } from '../../src/runtime/local/runJob.ts';
import { faceTalk, facePhotoAvailable, ffmpeg } from '../helpers/media.ts';

const run = promisify(execFile);
const quiet = { emit: () => undefined, info: () => undefined, warn: () => undefined };
const OPTIONS = { clips: 1, minSec: 10, maxSec: 30 };

async function facesInImage(path: string): Promise<number> {
  const code = 'import sys, cv2\nfrom facetrack.detect import Detector\nimg = cv2.cvtColor(cv2.imread(sys.argv[1]), cv2.COLOR_BGR2RGB)\nprint(len(Detector().faces(img)))';
  const { stdout } = await run(projectPython(), ['-c', code, path], { env: { ...process.env, PYTHONPATH: TRACKER_DIR } });
  return Number(stdout.trim().split('\n').pop());
}

test('a tracked clip keeps the real face in its 9:16 frame', async (t) => {
  if (!facePhotoAvailable() || !(await mediapipeAvailable())) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const video = await faceTalk();
  const out = await mkdtemp(join(tmpdir(), 'clipforge-face-'));
  const manifest = await runLocalJob({ source: video, outDir: out, options: OPTIONS, progress: quiet, log: quiet });
  const clip = manifest.clips[0]!;
  assert.equal(clip.crop.fallback, null, 'the tracker ran and found the face');
  for (const at of [0.25, 0.5, 0.75]) {
    const frame = join(out, `frame-${at}.png`);
    await ffmpeg(['-ss', (clip.duration * at).toFixed(2), '-i', join(out, clip.file), '-frames:v', '1', frame]);
    assert.ok((await facesInImage(frame)) >= 1, `a face in the rendered frame at ${at * 100}% of the clip`);
  }
  // The same clip centre-cropped loses the face: the check above depends on the tracking.
  const centre = join(out, 'centre.png');
  await ffmpeg(['-ss', (clip.start + clip.duration / 2).toFixed(2), '-i', video, '-frames:v', '1', '-vf', 'crop=404:720:438:0', centre]);
  assert.equal(await facesInImage(centre), 0);
});

test('a tracker killed by a signal mid-run gives a centre crop with the reason, and the job completes', async (t) => {
  if (!facePhotoAvailable() || !(await mediapipeAvailable())) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const video = await faceTalk();
  const out = await mkdtemp(join(tmpdir(), 'clipforge-face-kill-'));
  let killed = false;
  const watcher = setInterval(() => {
    run('pkill', ['-KILL', '-f', `facetrack ${video}`]).then(
      () => (killed = true),
      () => undefined,
    );
  }, 200);
  const warnings: string[] = [];
  try {
    const manifest = await runLocalJob({
      source: video,
      outDir: out,
      options: OPTIONS,
      progress: quiet,
      log: { ...quiet, warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`) },
      ports: { tracker: new MediapipeTracker() },
    });
    assert.ok(killed, 'the tracker process was found and killed');
    assert.match(manifest.clips[0]!.crop.fallback ?? '', /mediapipe tracker failed: python\S* was killed by SIGKILL/);
    assert.ok(warnings.some((w) => /"signal":"SIGKILL"/.test(w)), 'the signal is logged');
  } finally {
    clearInterval(watcher);
  }
});
