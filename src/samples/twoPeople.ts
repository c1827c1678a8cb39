// Two people side by side (opencv-doc's face photo and its mirror image, left and right of a
// 1280x720 frame) with a tone under them: the source the split layout is tested and measured on.
import { mediaBinaries } from '../media/binaries.ts';
import { runProcess } from '../media/runProcess.ts';
import { FACE_PHOTO, facePhotoAvailable } from './faceTalk.ts';

export async function makeTwoPeople(outFile: string, seconds = 8): Promise<void> {
  if (!facePhotoAvailable()) throw new Error(`${FACE_PHOTO} is missing: apt-get install opencv-doc`);
  await runProcess(mediaBinaries().ffmpeg, [
    ...['-hide_banner', '-nostdin', '-y', '-v', 'error'],
    ...['-f', 'lavfi', '-i', 'color=c=0x335566:s=1280x720:r=25', '-loop', '1', '-i', FACE_PHOTO, '-f', 'lavfi', '-i', 'sine=f=220'],
    ...[
      '-filter_complex',
      '[1:v]crop=120:120:182:63,scale=300:300,split[l][r0];[r0]hflip[r];[0:v][l]overlay=120:200[a];[a][r]overlay=W-w-120:200,format=yuv420p[v]',
    ],
    ...['-map', '[v]', '-map', '2:a', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', outFile],
  ]);
}
