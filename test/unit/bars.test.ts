// Black bars: a centred letterbox or pillarbox is cut; dark sides around a lit panel are picture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barsFrom, parseCropdetect } from '../../src/media/bars.ts';

const frame = { width: 1920, height: 1080 };

test('a 2.39:1 letterbox and a 4:3 pillarbox are found; a lit panel on a dark background is not bars', () => {
  assert.deepEqual(
    barsFrom(
      [
        { x: 0, y: 138, w: 1920, h: 804 },
        { x: 0, y: 140, w: 1920, h: 800 },
      ],
      frame,
    ),
    { x: 0, y: 138, w: 1920, h: 804 },
  );
  assert.deepEqual(barsFrom([{ x: 240, y: 0, w: 1440, h: 1080 }], frame), { x: 240, y: 0, w: 1440, h: 1080 });
  // A talk's slide: a navy panel on black, dark all round; with real bars above and below it.
  assert.deepEqual(barsFrom([{ x: 244, y: 138, w: 1430, h: 804 }], frame), { x: 0, y: 138, w: 1920, h: 804 }, 'only the letterbox is cut');
  assert.equal(barsFrom([{ x: 0, y: 0, w: 1920, h: 1060 }], frame), undefined, 'a dark strip at the bottom is picture');
  assert.equal(barsFrom([{ x: 0, y: 300, w: 1920, h: 200 }], frame), undefined, 'a dark scene is not a letterbox');
  assert.equal(barsFrom([undefined], frame), undefined);
});

test("cropdetect's last word is read", () => {
  const out =
    '[Parsed_cropdetect_1 @ 0x1] x1:0 x2:1919 y1:138 y2:941 w:1920 h:800 x:0 y:140 pts:1 t:0.5 crop=1920:800:0:140\n[Parsed_cropdetect_1 @ 0x1] x1:0 crop=1920:804:0:138\n';
  assert.deepEqual(parseCropdetect(out), { w: 1920, h: 804, x: 0, y: 138 });
});
