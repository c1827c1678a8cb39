// Test media made on the spot with FFmpeg and espeak-ng, cached across test files of one run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { PROJECT_ROOT, projectPython } from '../../src/core/projectRoot.ts';
import { TRACKER_DIR } from '../../src/adapters/face/mediapipeTracker.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { makeFaceTalk } from '../../src/samples/faceTalk.ts';
import { makeSampleTalk } from '../../src/samples/sampleTalk.ts';
import { TALK } from '../../src/samples/talkScript.ts';

const CACHE = join(tmpdir(), 'clipforge-test-media');

export async function cached(name: string, make: (path: string) => Promise<unknown>): Promise<string> {
  const path = join(CACHE, name);
  if (existsSync(path)) return path;
  await mkdir(CACHE, { recursive: true });
  const ext = name.slice(name.lastIndexOf('.'));
  const tmp = join(CACHE, `.${process.pid}-${Math.random().toString(36).slice(2)}${ext}`);
  try {
    await make(tmp);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  return path;
}

/** About 100 s of talk: filler, a strong moment, filler, another moment. */
export const shortTalk = () => cached('short-talk-v1.mp4', (p) => makeSampleTalk(p, { sections: TALK.slice(0, 4) }));

export async function ffmpeg(args: string[]): Promise<string> {
  const { stderrTail } = await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args], { timeoutMs: 300_000 });
  return stderrTail;
}

export const probe = (path: string) => new FfmpegEncoder().probe(path);

/** Where speech resumes after a silence, from FFmpeg's silencedetect on the file's audio. */
export async function speechOnsets(path: string, minSilence = 0.7): Promise<number[]> {
  const onsets: number[] = [];
  await runProcess(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'info', '-i', path, '-vn', '-af', `silencedetect=noise=-35dB:d=${minSilence}`, '-f', 'null', '-'],
    {
      timeoutMs: 120_000,
      onStderrLine: (line) => {
        const m = /silence_end: ([\d.]+)/.exec(line);
        if (m) onsets.push(Number(m[1]));
      },
    },
  );
  return onsets;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `clipforge` command as a user would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'clipforge.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function parseSrtStarts(srt: string): number[] {
  return [...srt.matchAll(/(\d\d):(\d\d):(\d\d),(\d{3}) -->/g)].map((m) => +m[1]! * 3600 + +m[2]! * 60 + +m[3]! + +m[4]! / 1000);
}

export { facePhotoAvailable } from '../../src/samples/faceTalk.ts';

export const faceTalk = async () => {
  const talk = await shortTalk();
  return cached('face-talk-v1.mp4', (p) => makeFaceTalk(p, talk));
};

/** The first `fraction` of a file, as an upload or copy cut short leaves it. */
export async function truncatedCopy(src: string, fraction = 0.6): Promise<string> {
  const data = await readFile(src);
  const path = join(await mkdtemp(join(tmpdir(), 'clipforge-bad-')), 'cut.mp4');
  await writeFile(path, data.subarray(0, Math.floor(data.length * fraction)));
  return path;
}

/** How many faces MediaPipe's detector (the tracker's own) finds in an image file. */
export async function facesInImage(path: string): Promise<number> {
  const code =
    'import sys, cv2\nfrom facetrack.detect import Detector\nimg = cv2.cvtColor(cv2.imread(sys.argv[1]), cv2.COLOR_BGR2RGB)\nprint(len(Detector().faces(img)))';
  const { stdout } = await runProcess(projectPython(), ['-c', code, path], { env: { ...process.env, PYTHONPATH: TRACKER_DIR } });
  return Number(stdout.trim().split('\n').pop());
}

/** One decoded frame of `video` at `at` seconds, as raw bytes in `pixFmt` (rgb24: 3 a pixel, gray: 1, yuv444p: three planes). */
export async function frameBytes(video: string, at: number, pixFmt: 'rgb24' | 'gray' | 'yuv444p' = 'rgb24'): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-frame-'));
  try {
    const raw = join(dir, 'frame.raw');
    await ffmpeg(['-ss', String(at), '-i', video, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', pixFmt, raw]);
    return await readFile(raw);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `video` as a site serves it above 360p: video and audio as separate streams, in a folder with a
 * DASH manifest (talk.mpd) and an HLS master playlist (master.m3u8) over the same kind of parts.
 */
export async function separateStreams(video: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-streams-'));
  // Both streams copied as they are, split by the muxer into a video part and an audio part.
  const streams = ['-i', video, '-map', '0:v', '-map', '0:a', '-c', 'copy'];
  await ffmpeg([...streams, '-f', 'dash', '-seg_duration', '10', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', join(dir, 'talk.mpd')]);
  await ffmpeg([
    ...streams,
    '-f',
    'hls',
    '-hls_time',
    '10',
    '-hls_playlist_type',
    'vod',
    '-var_stream_map',
    'v:0,agroup:aud a:0,agroup:aud,default:yes',
    '-master_pl_name',
    'master.m3u8',
    '-hls_segment_filename',
    join(dir, 'part-%v-%03d.ts'),
    join(dir, 'stream-%v.m3u8'),
  ]);
  // With CODECS, as sites write it (FFmpeg leaves it out on a copy): the variant says it is video only.
  await writeFile(
    join(dir, 'master.m3u8'),
    [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="stream-1.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=1280x720,CODECS="avc1.64001f",AUDIO="aud"',
      'stream-0.m3u8',
      '',
    ].join('\n'),
  );
  return dir;
}
