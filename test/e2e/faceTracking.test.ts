// The face-following crop inside the whole job: a real face stays in the rendered frame, and a
// tracker killed mid-run costs only the framing, never the job.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MediapipeTracker, mediapipeAvailable } from '../../src/adapters/face/mediapipeTracker.ts';
import { runLocalJob } from '../../src/runtime/local/runJob.ts';
import { faceTalk, facePhotoAvailable, ffmpeg, facesInImage } from '../helpers/media.ts';

const quiet = { emit: () => undefined, info: () => undefined, warn: () => undefined };
const OPTIONS = { clips: 1, minSec: 10, maxSec: 30 };

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
  const tracker = new MediapipeTracker();
  let killed = false;
  // A real SIGKILL to the warm tracker process while it works on the clip.
  const watcher = setInterval(() => {
    for (const pid of tracker.warm.busyPids()) {
      process.kill(pid, 'SIGKILL');
      killed = true;
    }
  }, 200);
  const warnings: string[] = [];
  try {
    const manifest = await runLocalJob({
      source: video,
      outDir: out,
      options: OPTIONS,
      progress: quiet,
      log: { ...quiet, warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`) },
      ports: { tracker },
    });
    assert.ok(killed, 'the tracker process was found and killed');
    assert.match(manifest.clips[0]!.crop.fallback ?? '', /mediapipe tracker failed: python\S* was killed by SIGKILL/);
    assert.ok(
      warnings.some((w) => /"signal":"SIGKILL"/.test(w)),
      'the signal is logged',
    );
  } finally {
    clearInterval(watcher);
    tracker.close();
  }
});

test('clips reuse a warm tracker process; a dead or stuck one is replaced for the next clip', async (t) => {
  if (!facePhotoAvailable() || !(await mediapipeAvailable())) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const video = await faceTalk();
  const tracker = new MediapipeTracker({ processes: 1 });
  const frame = { width: 1280, height: 720 };
  try {
    const first = await tracker.track(video, { start: 30, end: 36 }, frame);
    const [pid] = tracker.warm.pids();
    const second = await tracker.track(video, { start: 42, end: 48 }, frame);
    assert.deepEqual(tracker.warm.pids(), [pid], 'the second clip ran on the same process');
    // The face is left until 40 s, then right: each answer belongs to its own request.
    assert.ok(first.path.every((p) => p.cx < 0.5) && second.path.every((p) => p.cx > 0.5), JSON.stringify([first.path, second.path]));

    // Two clips at once on a pool of one: the second waits, both succeed.
    const both = await Promise.all([tracker.track(video, { start: 30, end: 33 }, frame), tracker.track(video, { start: 43, end: 46 }, frame)]);
    assert.ok(both[0].path[0]!.cx < 0.5 && both[1].path[0]!.cx > 0.5);
    assert.deepEqual(tracker.warm.pids(), [pid]);

    process.kill(pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const after = await tracker.track(video, { start: 30, end: 33 }, frame);
    assert.ok(after.path[0]!.cx < 0.5);
    assert.notDeepEqual(tracker.warm.pids(), [pid], 'a new process took over');

    const stuck = new MediapipeTracker({ processes: 1, timeoutMs: 300 });
    await assert.rejects(stuck.track(video, { start: 0, end: 60 }, frame), /killed by SIGKILL: timed out after 300 ms/);
  } finally {
    tracker.close();
  }
});
