// The split layout on a two-person source (the same real face photo twice, mirrored, left and
// right of a wide frame): layout auto sees two people held apart, and the rendered 9:16 and 16:9
// frames hold one face in each part, which a centre crop of the same frame does not.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { MediapipeTracker, mediapipeAvailable } from '../../src/adapters/face/mediapipeTracker.ts';
import { buildAss } from '../../src/captions/ass.ts';
import { OUTPUT_FRAMES, aspectRatio, splitParts } from '../../src/media/frames.ts';
import { makeTwoPeople } from '../../src/samples/twoPeople.ts';
import { chooseLayout } from '../../src/stages/track.ts';
import { cached, facePhotoAvailable, ffmpeg, facesInImage } from '../helpers/media.ts';

let tracker: MediapipeTracker;
let ready = false;

const twoPeople = () => cached('two-people-v2.mp4', (p) => makeTwoPeople(p));

before(async () => {
  ready = facePhotoAvailable() && (await mediapipeAvailable());
  if (ready) tracker = new MediapipeTracker({ processes: 1 });
});
after(() => tracker?.close());

test('two people held apart get a part each, stacked in 9:16 and side by side in 16:9, a face in every part', async (t) => {
  if (!ready) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const video = await twoPeople();
  const source = { width: 1280, height: 720 };
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-split-'));
  const encoder = new FfmpegEncoder();
  for (const aspect of ['9:16', '16:9'] as const) {
    const frame = OUTPUT_FRAMES[aspect];
    const { stack, parts } = splitParts(frame);
    const tracked = await tracker.track(video, { start: 1, end: 7 }, source, aspectRatio(aspect), parts[0].w / parts[0].h);
    assert.ok((tracked.pair?.share ?? 0) >= 0.6, `${aspect}: two people apart most of the clip (${tracked.pair?.share})`);
    const decided = chooseLayout('auto', tracked);
    assert.equal(decided.layout, 'split', decided.layoutWhy);
    assert.match(decided.layoutWhy!, /two people apart in \d+% of the clip/);
    const ass = join(dir, 'none.ass');
    await writeFile(ass, buildAss([], frame));
    const out = join(dir, `split-${aspect.replace(':', 'x')}.mp4`);
    await encoder.render({ input: video, start: 1, duration: 5, source, crop: tracked, layout: 'split', assFile: ass, output: frame }, out);
    const info = await encoder.probe(out);
    assert.deepEqual([info.video?.width, info.video?.height], [frame.width, frame.height]);
    const [a, b] = parts;
    const crops = stack === 'vstack' ? [`crop=${a.w}:${a.h}:0:0`, `crop=${b.w}:${b.h}:0:${a.h}`] : [`crop=${a.w}:${a.h}:0:0`, `crop=${b.w}:${b.h}:${a.w}:0`];
    for (const [i, crop] of crops.entries()) {
      const png = join(dir, `${aspect.replace(':', 'x')}-part${i}.png`);
      await ffmpeg(['-ss', '2.5', '-i', out, '-frames:v', '1', '-vf', crop, png]);
      assert.equal(await facesInImage(png), 1, `${aspect}: one face in part ${i + 1}`);
    }
  }
  // A single 9:16 crop of the same frame holds at most one of them.
  const centre = join(dir, 'centre.png');
  await ffmpeg(['-ss', '3', '-i', video, '-frames:v', '1', '-vf', 'crop=404:720:438:0', centre]);
  assert.ok((await facesInImage(centre)) < 2);
});

test("the tracker lists the two people it saw, and follows the one chosen by hand (an edit's framing)", async (t) => {
  if (!ready) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const video = await twoPeople();
  const source = { width: 1280, height: 720 };
  const seen = await tracker.track(video, { start: 1, end: 7 }, source, 9 / 16);
  assert.equal(seen.people?.length, 2, JSON.stringify(seen.people));
  const [left, right] = seen.people!;
  assert.ok(left!.x < 0.4 && right!.x > 0.6 && left!.share > 0.6 && right!.share > 0.6, JSON.stringify(seen.people));
  const mean = (path: Array<{ cx: number }>) => path.reduce((a, p) => a + p.cx, 0) / path.length;
  // Each choice is followed all the way, whichever face the tracker would have picked itself.
  for (const person of [left!, right!]) {
    const followed = await tracker.track(video, { start: 1, end: 7 }, source, 9 / 16, undefined, undefined, { x: person.x, y: person.y });
    assert.ok(Math.abs(mean(followed.path) - person.x) < 0.12, `following x=${person.x}: the crop sits at ${mean(followed.path).toFixed(2)}`);
  }
});
