import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centreCrop, cropSize, offsetExpression, offsetFor } from '../../src/media/cropGeometry.ts';
import { renderArgs } from '../../src/media/renderArgs.ts';

/** Evaluates FFmpeg's if/lt expression subset in JS, to check what the crop does over time. */
function evalExpr(expr: string, t: number): number {
  const js = expr.replace(/\bif\(/g, 'IF(').replace(/\blt\(/g, 'LT(');
  return new Function('t', 'IF', 'LT', `return ${js};`)(
    t,
    (c: number, a: number, b: number) => (c ? a : b),
    (a: number, b: number) => (a < b ? 1 : 0),
  );
}

const spec = {
  input: '/media/talk.mp4',
  start: 12.5,
  duration: 30,
  source: { width: 1920, height: 1080 },
  crop: centreCrop({ width: 1920, height: 1080 }),
  assFile: '/work/job/clip-1.ass',
  output: { width: 1080, height: 1920 },
};

test('one pass: input seek, crop, scale to 1080x1920, captions, loudness, H.264/AAC, faststart', () => {
  const args = renderArgs(spec, '/out/.clip-1.mp4.partial-1.mp4');
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  assert.ok(args.indexOf('-ss') < args.indexOf('-i'), 'seek before -i is an input seek');
  assert.equal(at('-ss'), '12.500');
  assert.equal(at('-t'), '30.000');
  const graph = at('-filter_complex')!;
  assert.match(graph, /crop=w=606:h=1080:x='658':y='0'/);
  assert.match(graph, /scale=1080:1920/);
  assert.match(graph, /ass=filename=\/work\/job\/clip-1\.ass/);
  assert.match(graph, /loudnorm=I=-14:TP=-2:LRA=11/);
  assert.equal(at('-c:v'), 'libx264');
  assert.equal(at('-c:a'), 'aac');
  assert.equal(at('-movflags'), '+faststart');
  assert.equal(args[args.length - 1], '/out/.clip-1.mp4.partial-1.mp4');
  assert.equal(args.filter((a) => a === '-i').length, 1, 'a single input, a single pass');
});

test('crop size is the largest even 9:16 box in the frame', () => {
  assert.deepEqual(cropSize({ width: 1920, height: 1080 }), { w: 606, h: 1080 });
  assert.deepEqual(cropSize({ width: 1280, height: 720 }), { w: 404, h: 720 });
  assert.deepEqual(cropSize({ width: 720, height: 1280 }), { w: 720, h: 1280 });
});

test('offsets stay inside the frame and on even pixels', () => {
  assert.equal(offsetFor(0, 606, 1920), 0);
  assert.equal(offsetFor(1, 606, 1920), 1314);
  assert.equal(offsetFor(0.5, 606, 1920) % 2, 0);
});

test('a moving path becomes a piecewise-linear expression in clip time', () => {
  const expr = offsetExpression([
    { t: 0, v: 100 },
    { t: 2, v: 300 },
    { t: 4, v: 300 },
    { t: 5, v: 0 },
  ]);
  assert.equal(evalExpr(expr, 0), 100);
  assert.equal(evalExpr(expr, 1), 200);
  assert.equal(evalExpr(expr, 3), 300);
  assert.equal(evalExpr(expr, 4.5), 150);
  assert.equal(evalExpr(expr, 9), 0);
});

test('a long path is thinned so FFmpeg can parse it, keeping its ends', () => {
  const points = Array.from({ length: 500 }, (_, i) => ({ t: i / 5, v: (i % 7) * 10 }));
  const expr = offsetExpression(points);
  assert.ok((expr.match(/if\(/g) ?? []).length <= 61);
  assert.equal(evalExpr(expr, 0), 0);
  assert.equal(evalExpr(expr, 1000), points[points.length - 1]!.v);
});
