// Frames, layouts and caption styles, checked on real rendered frames: the size of each aspect,
// the whole source visible under `fit`, each caption style's text inside the platforms' safe
// zone, the hook title inside the top band, a word longer than a line kept inside the frame,
// scripts other than Latin drawn with their glyphs.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { buildAss, groupOptionsFor } from '../../src/captions/ass.ts';
import { groupWords } from '../../src/captions/groups.ts';
import { CAPTION_STYLES, captionLook, safeZone } from '../../src/captions/styles.ts';
import type { RenderSpec } from '../../src/core/ports.ts';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { ASPECTS, OUTPUT_FRAMES, aspectRatio } from '../../src/media/frames.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { renderArgs } from '../../src/media/renderArgs.ts';
import { splitWords } from '../../src/captions/scripts.ts';
import { ffmpeg, frameBytes } from '../helpers/media.ts';
import { timedWords } from '../helpers/words.ts';

const encoder = new FfmpegEncoder();
let dir: string;
let bordered: string;
let black: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clipforge-formats-'));
  // A 16:9 source whose edge is a 12-pixel red border around green: under `fit` the border must show on all four sides.
  bordered = join(dir, 'bordered.mp4');
  await ffmpeg(
    ['-f', 'lavfi', '-i', 'color=c=0x00b000:s=640x360:r=25', '-f', 'lavfi', '-i', 'sine=f=300', '-t', '3'].concat([
      '-vf',
      'drawbox=x=0:y=0:w=iw:h=ih:color=red:t=12',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      bordered,
    ]),
  );
  black = join(dir, 'black.mp4');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=1280x720:r=25',
    '-f',
    'lavfi',
    '-i',
    'sine=f=300',
    '-t',
    '4',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    black,
  ]);
});

async function renderOne(name: string, source: string, spec: Partial<RenderSpec> & { output: { width: number; height: number } }, ass = ''): Promise<string> {
  const assFile = join(dir, `${name}.ass`);
  await writeFile(assFile, ass || buildAss([], spec.output));
  const out = join(dir, `${name}.mp4`);
  const size = source === black ? { width: 1280, height: 720 } : { width: 640, height: 360 };
  await encoder.render(
    { input: source, start: 0, duration: 2, source: size, crop: centreCrop(size, null, spec.output.width / spec.output.height), assFile, ...spec },
    out,
  );
  return out;
}

/** One frame as RGB bytes, checked for its size. */
async function frameAt(video: string, at: number, w: number, h: number): Promise<Buffer> {
  const buf = await frameBytes(video, at);
  assert.equal(buf.length, w * h * 3);
  return buf;
}

const px = (f: Buffer, w: number, x: number, y: number) => [f[(y * w + x) * 3]!, f[(y * w + x) * 3 + 1]!, f[(y * w + x) * 3 + 2]!] as const;
const isRed = ([r, g, b]: readonly number[]) => r! > 150 && g! < 90 && b! < 90;

/** The box holding every bright pixel (text) in a frame of a black source. */
function brightBox(f: Buffer, w: number, h: number, within: { y0: number; y1: number } = { y0: 0, y1: h }) {
  let box = { left: w, right: -1, top: h, bottom: -1 };
  for (let y = within.y0; y < within.y1; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, b] = px(f, w, x, y);
      if (r + g + b > 3 * 140) box = { left: Math.min(box.left, x), right: Math.max(box.right, x), top: Math.min(box.top, y), bottom: Math.max(box.bottom, y) };
    }
  return box;
}

test('each aspect gives its frame: 1080x1920, 1080x1080, 1080x1350, 1920x1080', async () => {
  for (const aspect of ASPECTS) {
    const out = await renderOne(`aspect-${aspect.replace(':', 'x')}`, bordered, { output: OUTPUT_FRAMES[aspect] });
    const info = await encoder.probe(out);
    assert.deepEqual([info.video?.width, info.video?.height], [OUTPUT_FRAMES[aspect].width, OUTPUT_FRAMES[aspect].height], aspect);
    assert.ok(Math.abs(info.duration - 2) < 0.2);
  }
  assert.equal(aspectRatio('4:5'), 0.8);
});

test('fit: the whole source frame is visible (its border on all four sides) over a darker fill', async () => {
  for (const aspect of ['9:16', '16:9'] as const) {
    const { width: W, height: H } = OUTPUT_FRAMES[aspect];
    const out = await renderOne(`fit-${aspect.replace(':', 'x')}`, bordered, { output: OUTPUT_FRAMES[aspect], layout: 'fit' });
    const f = await frameAt(out, 1, W, H);
    // The 16:9 source fills the width of a 9:16 frame (608 px tall, centred); in 16:9 it fills the frame.
    const scale = Math.min(W / 640, H / 360);
    const [fw, fh] = [640 * scale, 360 * scale];
    const [x0, y0] = [Math.round((W - fw) / 2), Math.round((H - fh) / 2)];
    const inset = Math.round(5 * scale);
    for (const [x, y, side] of [
      [x0 + inset, y0 + fh / 2, 'left'],
      [x0 + fw - inset, y0 + fh / 2, 'right'],
      [x0 + fw / 2, y0 + inset, 'top'],
      [x0 + fw / 2, y0 + fh - inset, 'bottom'],
    ] as const) {
      assert.ok(isRed(px(f, W, Math.round(x), Math.round(y))), `${aspect}: the ${side} border is in the frame (${px(f, W, Math.round(x), Math.round(y))})`);
    }
    assert.ok(!isRed(px(f, W, Math.round(W / 2), Math.round(fh / 2 + y0))), 'the middle is the source, green');
    if (aspect === '9:16') {
      // Above the fitted frame: the blurred, darkened fill — not black, not the sharp source.
      const [r, g, b] = px(f, W, W / 2, Math.round(y0 / 3));
      assert.ok(r + g + b > 30 && g < 170, `a darker fill of the source above it (${r},${g},${b})`);
    }
  }
});

test('every caption style keeps its text inside the safe zone, in at most two lines; the hook title sits inside the top band', async () => {
  const words = timedWords('here is the secret nobody tells you about starting a company today', { pause: 0 });
  const frame = OUTPUT_FRAMES['9:16'];
  const { width: W, height: H } = frame;
  const zone = safeZone(frame);
  for (const style of CAPTION_STYLES) {
    const look = captionLook(style, frame);
    const groups = groupWords(words, 4, groupOptionsFor(look));
    const ass = buildAss(groups, frame, look, { text: 'The Secret Nobody Tells You', untilSec: 1.5 });
    const out = await renderOne(`style-${style}`, black, { output: frame }, ass);
    // Mid-way through the first group: its caption is up, and the hook title.
    const f = await frameAt(out, Math.min(0.6, groups[0]!.end - 0.05), W, H);
    const caption = brightBox(f, W, H, { y0: Math.round(H * 0.35), y1: H });
    assert.ok(caption.right > 0, `${style}: a caption is drawn`);
    assert.ok(
      caption.bottom <= H * (1 - zone.bottom),
      `${style}: text bottom ${caption.bottom} above the bottom ${zone.bottom * 100}% (y ${H * (1 - zone.bottom)})`,
    );
    assert.ok(caption.right <= W * (1 - zone.right), `${style}: text right edge ${caption.right} clear of the right ${zone.right * 100}%`);
    assert.ok(caption.left >= W * zone.left, `${style}: text left edge ${caption.left}`);
    assert.ok(caption.bottom - caption.top <= 2.9 * look.size, `${style}: at most two lines (${caption.bottom - caption.top} px for size ${look.size})`);
    const hook = brightBox(f, W, H, { y0: 0, y1: Math.round(H * 0.35) });
    assert.ok(hook.top >= H * zone.top, `${style}: the hook title below the top ${zone.top * 100}% (top ${hook.top})`);
  }
});

test('a word wider than a line (a URL, a long compound) shrinks to stay inside the frame', async () => {
  const frame = OUTPUT_FRAMES['9:16'];
  const look = captionLook('pop', frame);
  const long = timedWords('visit https://example.com/a-very-long-path/with-more-segments/index', { pause: 0 });
  const ass = buildAss(groupWords(long, 4, groupOptionsFor(look)), frame, look);
  const out = await renderOne('long-word', black, { output: frame }, ass);
  for (const at of [0.3, 1.2]) {
    const f = await frameAt(out, at, frame.width, frame.height);
    const box = brightBox(f, frame.width, frame.height);
    if (box.right < 0) continue;
    assert.ok(box.left > 0 && box.right < frame.width - 1, `inside the frame at ${at}s (${box.left}-${box.right})`);
  }
});

test('Chinese, Hindi and emoji captions are drawn with their glyphs, not boxes: compared with the same text under DejaVu alone', async () => {
  const frame = OUTPUT_FRAMES['9:16'];
  const look = captionLook('boxed', frame);
  // A fontconfig that knows DejaVu only: what a machine without the Noto fonts draws (boxes).
  const onlyDejavu = join(dir, 'fonts-dejavu.conf');
  await writeFile(
    onlyDejavu,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${join(dir, 'fc-cache')}</cachedir></fontconfig>`,
  );
  for (const [name, text] of [
    ['chinese', '我们花了两年时间做了一个没人想要的产品'],
    ['hindi', 'आपका पहला विचार गलत होगा और यह ठीक है'],
    ['emoji', '🚀🔥😂 🎉💡🙌 👏'],
  ] as const) {
    const words = splitWords(text).map((w, i) => ({ w, start: i * 0.2, end: i * 0.2 + 0.18 }));
    const ass = buildAss(groupWords(words, 4, groupOptionsFor(look)), frame, look);
    const ink: number[] = [];
    for (const env of [{}, { FONTCONFIG_FILE: onlyDejavu }]) {
      const assFile = join(dir, `${name}.ass`);
      await writeFile(assFile, ass);
      const out = join(dir, `${name}-${ink.length}.mp4`);
      const spec: RenderSpec = {
        input: black,
        start: 0,
        duration: 1,
        source: { width: 1280, height: 720 },
        crop: centreCrop({ width: 1280, height: 720 }),
        assFile,
        output: frame,
      };
      await runProcess('ffmpeg', renderArgs(spec, out), { env: { ...process.env, ...env } });
      const f = await frameAt(out, 0.1, frame.width, frame.height);
      let n = 0;
      for (let i = 0; i < f.length; i += 3) if (f[i]! + f[i + 1]! + f[i + 2]! > 3 * 140) n++;
      ink.push(n);
    }
    const [withFonts, boxes] = ink as [number, number];
    assert.ok(withFonts > 500, `${name}: text is drawn (${withFonts} bright pixels)`);
    assert.ok(
      Math.abs(withFonts - boxes) / Math.max(withFonts, boxes) > 0.15,
      `${name}: glyphs, not the boxes DejaVu alone gives (${withFonts} vs ${boxes} bright pixels)`,
    );
  }
});

test('an Arabic line keeps its right-to-left word order whichever word is highlighted', async () => {
  const frame = OUTPUT_FRAMES['16:9'];
  const look = captionLook('pop', frame);
  const words = ['فكرتك', 'الأولى', 'ستكون', 'خاطئة'].map((w, i) => ({ w, start: i * 0.5, end: i * 0.5 + 0.45 }));
  const ass = buildAss([{ start: 0, end: 2, words }], frame, { ...look, uppercase: false });
  const out = await renderOne('arabic', black, { output: frame }, ass);
  const { width: W, height: H } = frame;
  const yellowSpan = (f: Buffer) => {
    let [lo, hi] = [W, -1];
    for (let y = Math.round(H * 0.5); y < H; y++)
      for (let x = 0; x < W; x++) {
        const [r, g, b] = px(f, W, x, y);
        if (r > 200 && g > 180 && b < 90) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
      }
    return [lo, hi] as const;
  };
  const spans = [];
  for (const at of [0.2, 0.7, 1.2]) spans.push(yellowSpan(await frameAt(out, at, W, H)));
  const line = brightBox(await frameAt(out, 0.2, W, H), W, H, { y0: Math.round(H * 0.5), y1: H });
  // Right to left: the first word at the right end, each next one to its left.
  assert.ok(line.right - spans[0]![1] < 20, `the first word ends the line on the right (${spans[0]} in ${line.left}-${line.right})`);
  assert.ok(spans[1]![1] < spans[0]![0] && spans[2]![1] < spans[1]![0], `each next word to the left of the one before: ${JSON.stringify(spans)}`);
});
