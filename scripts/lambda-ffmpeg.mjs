// `node scripts/lambda-ffmpeg.mjs OUT`: puts the Linux x86_64 static ffmpeg and ffprobe into a
// Lambda bundle's OUT/bin (the esbuild afterBundling hook of the functions that read media). A
// Node script, not shell commands, so bundling runs the same under bash, zsh and cmd.exe.
// On Linux x64 the binaries come from node_modules (optional dependencies); on any other host
// npm skips those packages, so the same versions are fetched once with `npm pack` into
// .cache/lambda-ffmpeg (network needed once, as for `cdk deploy` itself).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BINARIES = { ffmpeg: '@ffmpeg-installer/linux-x64', ffprobe: '@ffprobe-installer/linux-x64' };

/** The version package.json pins (its optionalDependencies), without a range operator. */
function pinned(pkg) {
  const spec = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).optionalDependencies?.[pkg];
  if (!spec) throw new Error(`package.json has no optional dependency ${pkg}`);
  return spec.replace(/^[\^~=]/, '');
}

function fromRegistry(pkg, binary) {
  const dir = join(ROOT, '.cache', 'lambda-ffmpeg', `${pkg.replace('/', '+')}@${pinned(pkg)}`);
  const file = join(dir, 'package', binary);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const windows = process.platform === 'win32';
  const out = execFileSync(windows ? 'npm.cmd' : 'npm', ['pack', `${pkg}@${pinned(pkg)}`, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
    shell: windows,
  });
  // bsdtar ships with macOS and Windows 10+, GNU tar with Linux.
  execFileSync('tar', ['-xzf', join(dir, out.trim().split('\n').pop()), '-C', dir]);
  if (!existsSync(file)) throw new Error(`${pkg}@${pinned(pkg)} has no ${binary}`);
  return file;
}

export function lambdaBinary(binary) {
  const pkg = BINARIES[binary];
  const installed = join(ROOT, 'node_modules', pkg, binary);
  return process.env.CLIPFORGE_LAMBDA_FFMPEG_FROM_REGISTRY !== '1' && existsSync(installed) ? installed : fromRegistry(pkg, binary);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node scripts/lambda-ffmpeg.mjs OUTPUT_DIR');
  mkdirSync(join(out, 'bin'), { recursive: true });
  for (const binary of Object.keys(BINARIES)) {
    const target = join(out, 'bin', binary);
    copyFileSync(lambdaBinary(binary), target);
    chmodSync(target, 0o755);
  }
}
