// Makes a sample "talk" video from nothing but packages: espeak-ng speaks the script, FFmpeg
// draws a backdrop with a running clock and muxes the two.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaBinaries } from '../media/binaries.ts';
import { runProcess } from '../media/runProcess.ts';
import { TALK, type TalkSection, talkSsml } from './talkScript.ts';

export interface SampleTalkOptions {
  width?: number;
  height?: number;
  /** Repeat the script this many times (a longer talk for benchmarks). */
  repeat?: number;
  sections?: TalkSection[];
  /** espeak-ng words per minute. */
  wpm?: number;
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export async function makeSampleTalk(outFile: string, opts: SampleTalkOptions = {}): Promise<void> {
  const { width = 1280, height = 720, repeat = 1, wpm = 150 } = opts;
  const sections = Array.from({ length: repeat }, () => opts.sections ?? TALK).flat();
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-sample-'));
  try {
    const ssml = join(dir, 'talk.ssml');
    const wav = join(dir, 'talk.wav');
    await writeFile(ssml, talkSsml(sections));
    await runProcess('espeak-ng', ['-m', '-v', 'en-us', '-s', String(wpm), '-f', ssml, '-w', wav], { timeoutMs: 600_000 });
    const fontSize = Math.round(height / 18);
    const text = [
      `drawtext=fontfile=${FONT}:text='sample talk':fontcolor=white:fontsize=${fontSize}:x=(w-tw)/2:y=h*0.35`,
      `drawtext=fontfile=${FONT}:text='%{pts\\:hms}':fontcolor=0xffd400:fontsize=${fontSize}:x=(w-tw)/2:y=h*0.55`,
    ].join(',');
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
        `color=c=0x1d2b3a:s=${width}x${height}:r=30`,
        '-i',
        wav,
        '-filter_complex',
        `[0:v]${text},format=yuv420p[v]`,
        '-map',
        '[v]',
        '-map',
        '1:a',
        '-shortest',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-tune',
        'stillimage',
        '-crf',
        '28',
        '-g',
        '60',
        '-c:a',
        'aac',
        '-b:a',
        '96k',
        '-ar',
        '44100',
        '-movflags',
        '+faststart',
        outFile,
      ],
      { timeoutMs: 1_800_000 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
