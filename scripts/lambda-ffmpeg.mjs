// `node scripts/lambda-ffmpeg.mjs OUT`: puts the Linux x86_64 static ffmpeg and ffprobe into a
// Lambda bundle's OUT/bin (the esbuild afterBundling hook of the functions that read media). A
// Node script, not shell commands, so bundling runs the same under bash, zsh and cmd.exe.
//
// ffmpeg: FFmpeg 7.0.2 (John Van Sickle's static build, as ffprobe below), taken from the PyPI
// wheel imageio-ffmpeg 0.6.0, the newest static x86_64 FFmpeg on a registry reachable without
// GitHub. The wheel is fetched once into the user's cache and checked against PyPI's published
// SHA-256 before every use; a mismatch stops the synth and names both hashes.
// ffprobe: @ffprobe-installer/linux-x64 (a 2023 build of the same builder): on Linux x64 from
// node_modules (an optional dependency); on any other host npm skips it, so the same version is
// fetched once with `npm pack` into .cache/lambda-ffmpeg (network needed once, as for
// `cdk deploy` itself).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FFPROBE_PACKAGE = '@ffprobe-installer/linux-x64';

/** The wheel that carries the ffmpeg binary, with the digest PyPI publishes for it. */
export const FFMPEG_WHEEL = {
  name: 'imageio_ffmpeg-0.6.0-py3-none-manylinux2014_x86_64.whl',
  url: 'https://files.pythonhosted.org/packages/a0/2d/43c8522a2038e9d0e7dbdf3a61195ecc31ca576fb1527a528c877e87d973/imageio_ffmpeg-0.6.0-py3-none-manylinux2014_x86_64.whl',
  sha256: 'c7e46fcec401dd990405049d2e2f475e2b397779df2519b544b8aab515195282',
  entry: 'imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v7.0.2',
};

/** The version package.json pins (its optionalDependencies), without a range operator. */
function pinned(pkg) {
  const spec = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).optionalDependencies?.[pkg];
  if (!spec) throw new Error(`package.json has no optional dependency ${pkg}`);
  return spec.replace(/^[\^~=]/, '');
}

function ffprobeFromRegistry() {
  const dir = join(ROOT, '.cache', 'lambda-ffmpeg', `${FFPROBE_PACKAGE.replace('/', '+')}@${pinned(FFPROBE_PACKAGE)}`);
  const file = join(dir, 'package', 'ffprobe');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const windows = process.platform === 'win32';
  const out = execFileSync(windows ? 'npm.cmd' : 'npm', ['pack', `${FFPROBE_PACKAGE}@${pinned(FFPROBE_PACKAGE)}`, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
    shell: windows,
  });
  // bsdtar ships with macOS and Windows 10+, GNU tar with Linux.
  execFileSync('tar', ['-xzf', join(dir, out.trim().split('\n').pop()), '-C', dir]);
  if (!existsSync(file)) throw new Error(`${FFPROBE_PACKAGE}@${pinned(FFPROBE_PACKAGE)} has no ffprobe`);
  return file;
}

export function lambdaFfprobe() {
  const installed = join(ROOT, 'node_modules', FFPROBE_PACKAGE, 'ffprobe');
  return process.env.CLIPFORGE_LAMBDA_FFMPEG_FROM_REGISTRY !== '1' && existsSync(installed) ? installed : ffprobeFromRegistry();
}

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
    await pipeline(Readable.fromWeb(res.body), createWriteStream(partial));
    renameSync(partial, file);
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

/** Writes Lambda's ffmpeg to `target` (executable). */
export async function writeLambdaFfmpeg(target) {
  await extractEntry(await ffmpegWheel(), FFMPEG_WHEEL.entry, target);
  chmodSync(target, 0o755);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node scripts/lambda-ffmpeg.mjs OUTPUT_DIR');
  mkdirSync(join(out, 'bin'), { recursive: true });
  await writeLambdaFfmpeg(join(out, 'bin', 'ffmpeg'));
  const ffprobe = join(out, 'bin', 'ffprobe');
  copyFileSync(lambdaFfprobe(), ffprobe);
  chmodSync(ffprobe, 0o755);
}
