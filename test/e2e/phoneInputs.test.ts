// Inputs as phones and cameras write them, generated with FFmpeg: a phone video stored sideways
// with a display rotation, non-square pixels, a 1 fps still cover, interlaced fields. The
// pipeline must see and render the picture as players show it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { MediapipeTracker, mediapipeAvailable } from '../../src/adapters/face/mediapipeTracker.ts';
import { buildAss } from '../../src/captions/ass.ts';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { OUTPUT_FRAMES } from '../../src/media/frames.ts';
import { FACE_PHOTO } from '../../src/samples/faceTalk.ts';
import { cached, facePhotoAvailable, ffmpeg, runCli, shortTalk, speechOnsets, facesInImage, frameBytes } from '../helpers/media.ts';

const run = promisify(execFile);
const encoder = new FfmpegEncoder();
let dir: string;
let emptyAss: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clipforge-phone-'));
  emptyAss = join(dir, 'empty.ass');
  await writeFile(emptyAss, buildAss([], OUTPUT_FRAMES['9:16']));
});

/** An upright 720x1280 phone picture (a face in its upper half), stored sideways as 1280x720 with a 90° display rotation, as phones write it. */
const phoneVideo = () =>
  cached('phone-rotated-v2.mp4', async (p) => {
    const upright = `${p}.upright.mp4`;
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'color=c=0x335566:s=720x1280:r=25', '-loop', '1', '-i', FACE_PHOTO, '-f', 'lavfi', '-i', 'sine=f=220'],
      ...['-filter_complex', '[1:v]crop=120:120:182:63,scale=420:420[f];[0:v][f]overlay=150:300,transpose=clock,format=yuv420p[v]'],
      ...['-map', '[v]', '-map', '2:a', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', upright],
    ]);
    // Stored turned a quarter clockwise; the rotation tag turns it back for display.
    await ffmpeg(['-i', upright, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', p]);
  });

test('a phone video stored sideways with a display rotation: probed upright, the face found and kept in the frame', async (t) => {
  if (!facePhotoAvailable() || !(await mediapipeAvailable())) return t.skip('needs opencv-doc and the MediaPipe venv (scripts/setup.sh)');
  const video = await phoneVideo();
  const info = await encoder.probe(video);
  assert.deepEqual([info.video?.width, info.video?.height], [720, 1280], `probed as displayed (rotation ${info.video?.rotation})`);
  const tracker = new MediapipeTracker({ processes: 1 });
  try {
    const frame = { width: info.video!.width, height: info.video!.height };
    const tracked = await tracker.track(video, { start: 0.5, end: 5.5 }, frame, 9 / 16);
    assert.equal(tracked.fallback, null, 'the face is found in the upright picture');
    assert.ok((tracked.faces ?? 0) > 0.8, `faces in ${tracked.faces} of the samples`);
    const out = join(dir, 'phone.mp4');
    await encoder.render(
      { input: video, start: 1, duration: 3, source: { ...frame, fps: 25 }, crop: tracked, layout: 'follow', assFile: emptyAss, output: OUTPUT_FRAMES['9:16'] },
      out,
    );
    const png = join(dir, 'phone.png');
    await ffmpeg(['-ss', '1.5', '-i', out, '-frames:v', '1', png]);
    assert.equal(await facesInImage(png), 1, 'the rendered clip is upright with the face in it');
  } finally {
    tracker.close();
  }
});

test('non-square pixels (720x576 at 4:3) are made square: a square stays square in the clip', async () => {
  // A red box 270x360 stored pixels: 360x360 as displayed.
  const dv = join(dir, 'dv.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'color=c=black:s=720x576:r=25', '-f', 'lavfi', '-i', 'sine=f=300', '-t', '3'],
    ...[
      '-vf',
      'drawbox=x=225:y=108:w=270:h=360:color=red:t=fill,setsar=4/3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      dv,
    ],
  ]);
  const info = await encoder.probe(dv);
  assert.deepEqual([info.video?.width, info.video?.height, info.video?.sar], [960, 576, 4 / 3]);
  const frame = { width: 960, height: 576 };
  const out = join(dir, 'dv-out.mp4');
  const output = OUTPUT_FRAMES['16:9'];
  await encoder.render(
    {
      input: dv,
      start: 0,
      duration: 2,
      source: { ...frame, sar: info.video!.sar },
      crop: centreCrop(frame, null, 16 / 9),
      layout: 'fit',
      assFile: emptyAss,
      output,
    },
    out,
  );
  const f = await frameBytes(out, 1, 'rgb24');
  let box = { left: output.width, right: 0, top: output.height, bottom: 0 };
  for (let y = 0; y < output.height; y++)
    for (let x = 0; x < output.width; x++) {
      const i = (y * output.width + x) * 3;
      if (f[i]! > 180 && f[i + 1]! < 80 && f[i + 2]! < 80)
        box = { left: Math.min(box.left, x), right: Math.max(box.right, x), top: Math.min(box.top, y), bottom: Math.max(box.bottom, y) };
    }
  const ratio = (box.right - box.left + 1) / (box.bottom - box.top + 1);
  assert.ok(Math.abs(ratio - 1) < 0.05, `the square is square (width/height ${ratio.toFixed(3)}, was 0.75 with stored pixels)`);
});

test('a 1 fps still cover under speech renders a clip of the asked length at 30 fps; interlaced fields are noticed', async () => {
  const still = join(dir, 'still.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=1', '-f', 'lavfi', '-i', 'sine=f=300', '-t', '12'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', still],
  ]);
  const info = await encoder.probe(still);
  assert.equal(info.video?.fps, 1);
  const frame = { width: 1280, height: 720 };
  const out = join(dir, 'still-out.mp4');
  await encoder.render(
    { input: still, start: 2.3, duration: 7.6, source: { ...frame, fps: 1 }, crop: centreCrop(frame), assFile: emptyAss, output: OUTPUT_FRAMES['9:16'] },
    out,
  );
  const got = await encoder.probe(out);
  assert.ok(Math.abs(got.duration - 7.6) < 0.2, `the clip is ${got.duration} s long`);
  assert.equal(got.video?.fps, 30);

  const fields = join(dir, 'interlaced.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25', '-t', '2'],
    ...['-vf', 'setfield=tff', '-flags', '+ilme+ildct', '-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', 'tff=1', '-pix_fmt', 'yuv420p', fields],
  ]);
  assert.equal((await encoder.probe(fields)).video?.interlaced, true);
});

test('audio that starts 1.94 s after the video: the speech track is on the video clock, so transcript times are', async () => {
  const talk = await shortTalk();
  const late = join(dir, 'late-audio.mp4');
  await ffmpeg(['-i', talk, '-itsoffset', '1.94', '-i', talk, '-map', '0:v', '-map', '1:a', '-c', 'copy', late]);
  const info = await encoder.probe(late);
  assert.ok(Math.abs((info.audio?.startTime ?? 0) - (info.video?.startTime ?? 0) - 1.94) < 0.06, 'the offset is probed');
  const wav = join(dir, 'late.wav');
  await encoder.extractSpeech(late, wav);
  const [original, aligned] = [await speechOnsets(talk), await speechOnsets(wav)];
  assert.ok(original.length >= 3);
  for (const t of original.slice(0, 5)) {
    const nearest = aligned.reduce((a, b) => (Math.abs(b - (t + 1.94)) < Math.abs(a - (t + 1.94)) ? b : a));
    assert.ok(
      Math.abs(nearest - (t + 1.94)) < 0.1,
      `speech resuming at ${t.toFixed(2)} s of the audio is at ${nearest} s, expected ${(t + 1.94).toFixed(2)} s on the video's clock`,
    );
  }
});

test('two audio tracks, the first silent (an OBS recording): the speech track is found and used; a track that is not there is refused', async () => {
  const talk = await shortTalk();
  const twoTracks = join(dir, 'obs.mkv');
  await ffmpeg([
    ...['-i', talk, '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo'],
    ...['-map', '0:v', '-map', '1:a', '-map', '0:a', '-shortest', '-c:v', 'copy', '-c:a', 'aac', twoTracks],
  ]);
  const out = join(dir, 'obs-clips');
  const res = await runCli(['run', twoTracks, '--out', out, '--clips', '1', '--min-sec', '10', '--max-sec', '30', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const manifest = JSON.parse(res.stdout);
  assert.equal(manifest.source.audioTrack.number, 2);
  assert.match(manifest.source.audioTrack.why, /the loudest of 2 audio tracks \(track 1 silent, track 2 -?[\d.]+ LUFS\)/);
  assert.ok(manifest.clips.length === 1 && manifest.clips[0].text.split(' ').length > 10, 'the speech was transcribed');
  const bad = await runCli(['run', twoTracks, '--out', join(dir, 'obs-bad'), '--audio-track', '3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--audio-track is 3, but the video has 2 audio tracks/);
});

test('HDR (HLG, 10-bit HEVC, as iPhones record): tone-mapped to SDR BT.709 and tagged so, its colours kept', async () => {
  const hlg = join(dir, 'hlg.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-f', 'lavfi', '-i', 'sine=f=300', '-t', '3'],
    ...['-vf', 'zscale=tin=bt709:pin=bt709:min=bt709:rin=tv:t=arib-std-b67:p=bt2020:m=bt2020nc:r=tv,format=yuv420p10le'],
    ...['-c:v', 'libx265', '-x265-params', 'colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:log-level=error', '-c:a', 'aac', hlg],
  ]);
  const info = await encoder.probe(hlg);
  assert.equal(info.video?.hdr, 'hlg');
  const frame = { width: 640, height: 360 };
  const chroma = async (name: string, hdr: 'hlg' | undefined) => {
    const out = join(dir, `${name}.mp4`);
    await encoder.render(
      { input: hlg, start: 0, duration: 2, source: { ...frame, hdr }, crop: centreCrop(frame, null, 16 / 9), assFile: emptyAss, output: OUTPUT_FRAMES['16:9'] },
      out,
    );
    const f = await frameBytes(out, 1, 'yuv444p');
    const plane = 1920 * 1080;
    let sum = 0;
    for (let i = plane; i < 3 * plane; i++) sum += Math.abs(f[i]! - 128);
    return { out, chroma: sum / (2 * plane) };
  };
  const mapped = await chroma('hlg-mapped', 'hlg');
  const naive = await chroma('hlg-naive', undefined);
  const tags = (
    await run('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=pix_fmt,color_transfer,color_primaries',
      '-of',
      'csv=p=0',
      mapped.out,
    ])
  ).stdout.trim();
  assert.equal(tags, 'yuv420p,bt709,bt709', 'SDR BT.709, 8-bit, tagged as such');
  assert.ok(
    mapped.chroma > naive.chroma * 1.1,
    `colours kept: chroma ${mapped.chroma.toFixed(1)} against ${naive.chroma.toFixed(1)} without tone mapping (washed out)`,
  );
});

test('a letterboxed film (2.39:1 inside 1920x1080): the bars are found and cut, so the 9:16 clip has no black bands', async () => {
  const film = join(dir, 'letterboxed.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=1920x804:r=25', '-f', 'lavfi', '-i', 'sine=f=300', '-t', '6'],
    ...['-vf', 'pad=1920:1080:0:138:black', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', film],
  ]);
  const full = { width: 1920, height: 1080 };
  const bars = await encoder.detectBars(film, 6, full);
  assert.deepEqual(bars, { x: 0, y: 138, w: 1920, h: 804 });
  const picture = { width: 1920, height: 804 };
  const darkRows = async (name: string, withBars: boolean) => {
    const out = join(dir, `${name}.mp4`);
    const source = withBars ? { ...picture, bars } : full;
    await encoder.render({ input: film, start: 1, duration: 3, source, crop: centreCrop(source), assFile: emptyAss, output: OUTPUT_FRAMES['9:16'] }, out);
    const f = await frameBytes(out, 1, 'gray');
    const [W, H] = [1080, 1920];
    let dark = 0;
    for (let y = 0; y < H; y++) {
      let sum = 0;
      for (let x = 0; x < W; x++) sum += f[y * W + x]!;
      if (sum / W < 20) dark++;
    }
    return dark;
  };
  assert.equal(await darkRows('letterboxed-cut', true), 0, 'no black rows once the bars are cut');
  assert.ok((await darkRows('letterboxed-kept', false)) > 300, 'without cutting them, a quarter of the frame is black bands');
});

test('interlaced fields are woven: no combing on moving edges in the clip', async () => {
  // 50 moving frames a second woven into 25 interlaced ones, as a 1080i camera records.
  const fields = join(dir, 'fields-moving.mp4');
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=50', '-f', 'lavfi', '-i', 'sine=f=300', '-t', '3', '-c:a', 'aac'],
    ...[
      '-vf',
      'tinterlace=mode=interleave_top,setfield=tff',
      '-flags',
      '+ilme+ildct',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-x264-params',
      'tff=1',
      '-pix_fmt',
      'yuv420p',
      fields,
    ],
  ]);
  const frame = { width: 1280, height: 720 };
  const combing = async (name: string, interlaced: boolean) => {
    const out = join(dir, `${name}.mp4`);
    await encoder.render(
      {
        input: fields,
        start: 0.5,
        duration: 2,
        source: { ...frame, fps: 25, interlaced },
        crop: centreCrop(frame, null, 16 / 9),
        assFile: emptyAss,
        output: OUTPUT_FRAMES['16:9'],
      },
      out,
    );
    const f = await frameBytes(out, 1, 'gray');
    const [W, H] = [1920, 1080];
    let sum = 0;
    for (let y = 1; y < H - 1; y++) for (let x = 0; x < W; x++) sum += Math.abs(2 * f[y * W + x]! - f[(y - 1) * W + x]! - f[(y + 1) * W + x]!);
    return sum / (W * (H - 2));
  };
  const [woven, combed] = [await combing('fields-woven', true), await combing('fields-combed', false)];
  assert.ok(woven < 0.8 * combed, `line-to-line detail (combing) ${woven.toFixed(2)} woven against ${combed.toFixed(2)} untreated`);
});

test('through the whole pipeline: a letterboxed talk is cut at ingest and rendered without bands (each stage hands the picture on)', async () => {
  const film = join(dir, 'letterboxed-talk.mp4');
  await ffmpeg([
    '-i',
    await shortTalk(),
    '-vf',
    'scale=1280:536,setsar=1,pad=1280:720:0:92:black',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'copy',
    film,
  ]);
  const out = join(dir, 'letterboxed-talk-clips');
  const res = await runCli(['run', film, '--out', out, '--clips', '1', '--min-sec', '10', '--max-sec', '20', '--layout', 'follow', '--json']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /black bars cut: the picture is 1280x536/);
  const manifest = JSON.parse(res.stdout);
  assert.deepEqual([manifest.source.width, manifest.source.height], [1280, 536]);
  const f = await frameBytes(join(out, manifest.clips[0].file), 2, 'gray');
  let dark = 0;
  for (let y = 0; y < 1920; y++) {
    let sum = 0;
    for (let x = 0; x < 1080; x++) sum += f[y * 1080 + x]!;
    if (sum / 1080 < 20) dark++;
  }
  assert.equal(dark, 0, `${dark} black rows in the clip`);
});
