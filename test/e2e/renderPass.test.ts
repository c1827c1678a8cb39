// The render arguments run by real FFmpeg: one pass, even from a folder whose name needs escaping.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { buildAss } from '../../src/captions/ass.ts';
import { groupWords } from '../../src/captions/groups.ts';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { OUTPUT_FRAME } from '../../src/stages/render.ts';
import { ffmpeg } from '../helpers/media.ts';
import { timedWords } from '../helpers/words.ts';

test("captions load from a work folder named with : ' , [ ] and spaces", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'clipforge-esc-')), "a b:c,d'e[f]");
  await mkdir(dir);
  const source = join(dir, 'source.mp4');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=640x360:r=25',
    '-f',
    'lavfi',
    '-i',
    'sine=f=300',
    '-t',
    '3',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    source,
  ]);
  const ass = join(dir, 'clip-1.ass');
  await writeFile(ass, buildAss(groupWords(timedWords('hello there world'), 3), OUTPUT_FRAME));
  const out = join(dir, 'clip.mp4');
  const encoder = new FfmpegEncoder();
  await encoder.render(
    {
      input: source,
      start: 0.5,
      duration: 2,
      source: { width: 640, height: 360 },
      crop: centreCrop({ width: 640, height: 360 }),
      assFile: ass,
      output: OUTPUT_FRAME,
    },
    out,
  );
  const info = await encoder.probe(out);
  assert.equal(info.video?.width, 1080);
  assert.equal(info.video?.height, 1920);
  assert.ok(Math.abs(info.duration - 2) < 0.2);
});
