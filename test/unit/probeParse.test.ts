// The picture as players show it: ffprobe's stored size turned by the display rotation and
// widened by the pixel aspect; fields and frame rates noted for the render.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProbe } from '../../src/media/probeParse.ts';
import { displayFilters } from '../../src/media/renderArgs.ts';

const probe = (stream: Record<string, unknown>) =>
  parseProbe(
    JSON.stringify({
      format: { format_name: 'mov,mp4', duration: '10' },
      streams: [{ codec_type: 'video', codec_name: 'h264', avg_frame_rate: '30/1', ...stream }],
    }),
  );

test('a phone video stored 1920x1080 with a 90° display rotation is a 1080x1920 picture', () => {
  const v = probe({ width: 1920, height: 1080, side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }).video!;
  assert.deepEqual([v.width, v.height, v.rotation], [1080, 1920, -90]);
  assert.deepEqual([probe({ width: 1920, height: 1080, tags: { rotate: '90' } }).video!.width], [1080]);
  assert.deepEqual([probe({ width: 1920, height: 1080, side_data_list: [{ rotation: 180 }] }).video!.width], [1920]);
});

test('non-square pixels are widened (720x576 at 4:3 is 960x576); interlaced fields and low frame rates are noted', () => {
  const dv = probe({ width: 720, height: 576, sample_aspect_ratio: '4:3', field_order: 'tt', avg_frame_rate: '25/1' }).video!;
  assert.deepEqual([dv.width, dv.height, dv.sar, dv.interlaced], [960, 576, 4 / 3, true]);
  const plain = probe({ width: 1280, height: 720, sample_aspect_ratio: '1:1', field_order: 'progressive' }).video!;
  assert.deepEqual([plain.sar, plain.interlaced], [undefined, undefined]);
  assert.equal(
    displayFilters({ width: 960, height: 576, sar: 4 / 3, interlaced: true, fps: 25 }),
    'bwdif=mode=send_frame,scale=trunc(iw*sar/2)*2:ih,setsar=1,',
  );
  assert.equal(displayFilters({ width: 1280, height: 720, fps: 1 }), 'fps=30:start_time=0,', 'a 1 fps cover is evened out to 30');
  assert.equal(displayFilters({ width: 1280, height: 720, fps: 30 }), '');
});
