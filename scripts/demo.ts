// npm run demo: makes a ~3-minute sample talk (with a real face when opencv-doc is installed, so
// the crop has someone to follow) and clips it with the embedded default.
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.ts';
import { facePhotoAvailable, makeFaceTalk } from '../src/samples/faceTalk.ts';
import { makeSampleTalk } from '../src/samples/sampleTalk.ts';

const dir = resolve(process.argv[2] ?? 'demo-output');
await mkdir(dir, { recursive: true });
const talk = join(dir, 'sample-talk.mp4');
process.stderr.write(`making a sample talk (espeak-ng + FFmpeg): ${talk}\n`);
if (facePhotoAvailable()) {
  const speech = join(dir, 'speech-only.mp4');
  await makeSampleTalk(speech);
  await makeFaceTalk(talk, speech);
  await rm(speech, { force: true });
} else {
  await makeSampleTalk(talk);
}
process.exitCode = await main(['run', talk, '--out', join(dir, 'clips')]);
if (process.exitCode === 0) process.stdout.write(`open ${join(dir, 'clips', 'report.html')} in a browser to watch them\n`);
