// A sample talk with a real face (opencv-doc's messi5.jpg, enlarged) that sits left for 40 s and
// then right, over the speech of another talk video: footage a face-following crop must keep framed.
import { existsSync } from 'node:fs';
import { mediaBinaries } from '../media/binaries.ts';
import { runProcess } from '../media/runProcess.ts';

export const FACE_PHOTO = '/usr/share/doc/opencv-doc/examples/data/messi5.jpg';
export const facePhotoAvailable = () => existsSync(FACE_PHOTO);

export async function makeFaceTalk(outFile: string, speechFrom: string): Promise<void> {
  if (!facePhotoAvailable()) throw new Error(`${FACE_PHOTO} is missing: apt-get install opencv-doc`);
  await runProcess(
    mediaBinaries().ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=0x335566:s=1280x720:r=25',
      '-loop',
      '1',
      '-i',
      FACE_PHOTO,
      '-i',
      speechFrom,
      '-filter_complex',
      "[1]crop=120:120:182:63,scale=300:300[f];[0][f]overlay=x='if(lt(t,40),120,860)':y=200:shortest=1,format=yuv420p[v]",
      '-map',
      '[v]',
      '-map',
      '2:a',
      '-shortest',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      outFile,
    ],
    { timeoutMs: 600_000 },
  );
}
