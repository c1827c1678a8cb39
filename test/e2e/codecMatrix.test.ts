// The codecs and shapes that already worked in the 50-case pass (HEVC, VP9/Opus WebM, ProRes,
// MJPEG, 10-bit H.264, an odd size, variable frame rate, 5.1, 8 kHz and 96 kHz audio, a long
// silent start), kept in the suite so they stay working: each is probed, its speech track
// extracted to the length of the file, and a clip rendered and verified.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { buildAss } from '../../src/captions/ass.ts';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { OUTPUT_FRAMES } from '../../src/media/frames.ts';
import { verifyRender } from '../../src/stages/render.ts';
import { ffmpeg } from '../helpers/media.ts';

const V = (size = '640x360', rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}`];
const A = (rate = 44100, layout = 'stereo') => ['-f', 'lavfi', '-i', `sine=f=300:r=${rate},aformat=channel_layouts=${layout}`];

const CASES: Array<{ name: string; file: string; args: string[] }> = [
  {
    name: 'HEVC in MP4',
    file: 'hevc.mp4',
    args: [...V(), ...A(), '-t', '4', '-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-c:a', 'aac'],
  },
  {
    name: 'VP9 and Opus in WebM',
    file: 'vp9.webm',
    args: [...V(), ...A(48000), '-t', '4', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
  },
  { name: 'ProRes in MOV', file: 'prores.mov', args: [...V(), ...A(48000), '-t', '3', '-c:v', 'prores_ks', '-profile:v', '0', '-c:a', 'pcm_s16le'] },
  { name: 'MJPEG in AVI', file: 'mjpeg.avi', args: [...V(), ...A(), '-t', '3', '-c:v', 'mjpeg', '-q:v', '5', '-c:a', 'pcm_s16le'] },
  { name: '10-bit H.264', file: 'h264-10bit.mp4', args: [...V(), ...A(), '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p10le', '-c:a', 'aac'] },
  { name: 'an odd size (1365x767)', file: 'odd.mkv', args: [...V('1365x767'), ...A(), '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv444p', '-c:a', 'aac'] },
  {
    name: 'variable frame rate',
    file: 'vfr.mkv',
    args: [...V('640x360', 30), ...A(), '-t', '4', '-vf', "select='not(mod(n\\,3))+lt(t\\,1)'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-c:a', 'aac'],
  },
  { name: '5.1 audio', file: 'surround.mp4', args: [...V(), ...A(48000, '5.1'), '-t', '3', '-c:v', 'libx264', '-c:a', 'aac'] },
  { name: '8 kHz audio', file: 'phone-audio.mkv', args: [...V(), ...A(8000, 'mono'), '-t', '3', '-c:v', 'libx264', '-c:a', 'pcm_s16le'] },
  { name: '96 kHz audio', file: 'hires-audio.mkv', args: [...V(), ...A(96000), '-t', '3', '-c:v', 'libx264', '-c:a', 'flac'] },
  {
    name: 'a long silent start',
    file: 'silent-start.mp4',
    args: [...V(), '-f', 'lavfi', '-i', 'sine=f=300', '-t', '6', '-af', 'volume=enable=lt(t\\,4):volume=0', '-c:v', 'libx264', '-c:a', 'aac'],
  },
];

test('codecs and shapes that work stay working: probed, speech extracted whole, a clip rendered and verified', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'clipforge-codecs-'));
  const encoder = new FfmpegEncoder();
  const ass = join(dir, 'none.ass');
  await writeFile(ass, buildAss([], OUTPUT_FRAMES['9:16']));
  for (const c of CASES) {
    const input = join(dir, c.file);
    await ffmpeg([...c.args, input]);
    const info = await encoder.probe(input);
    assert.ok(info.video && info.audio, `${c.name}: a video and an audio stream`);
    const seconds = await encoder.extractSpeech(input, join(dir, `${c.file}.wav`));
    assert.ok(Math.abs(seconds - info.duration) < 0.3, `${c.name}: speech track ${seconds} s of ${info.duration} s`);
    const frame = { width: info.video.width, height: info.video.height };
    const out = join(dir, `${c.file}.clip.mp4`);
    const duration = Math.min(2, info.duration - 0.5);
    await encoder.render(
      { input, start: 0.2, duration, source: { ...frame, fps: info.video.fps }, crop: centreCrop(frame), assFile: ass, output: OUTPUT_FRAMES['9:16'] },
      out,
    );
    verifyRender(await encoder.probe(out), duration);
  }
});
