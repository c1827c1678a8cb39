// Every FFmpeg and ffprobe the stack ships to Lambda, taken from the synthesized assets, opens
// http and https URLs by host name (http://localhost:PORT/…) the way the functions run them
// (src/media/loopbackProxy.ts, switched on by the variable the stack sets). Without it the static
// builds die with SIGSEGV on the name lookup, which is asserted too, so this test shows why the
// proxy exists and fails the day a binary change makes it unnecessary or insufficient.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { ffmpegEnv } from '../../src/media/loopbackProxy.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { type DeployedFunction, type DeployedFunctions, deployedFunctions } from '../helpers/deployedBundle.ts';
import { shortTalk } from '../helpers/media.ts';

let functions: DeployedFunctions;
let withFfmpeg: DeployedFunction[];
let talk: string;
const servers: Array<{ close(): void }> = [];
let httpUrl: string;
let httpsUrl: string;

/** A static file with range requests, as S3 answers FFmpeg's seeks. */
function serveFile(file: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const size = statSync(file).size;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m?.[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    res.writeHead(m ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
      ...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    createReadStream(file, { start, end }).pipe(res);
  };
}

before(async () => {
  talk = await shortTalk();
  functions = deployedFunctions();
  withFfmpeg = functions.all().filter((f) => f.env.CLIPFORGE_FFMPEG);
  const http = createHttp(serveFile(talk));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpUrl = `http://localhost:${(http.address() as AddressInfo).port}/talk.mp4`;
  const dir = mkdtempSync(join(tmpdir(), 'cf-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    { stdio: 'ignore' },
  );
  const https = createHttps({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, serveFile(talk));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  httpsUrl = `https://localhost:${(https.address() as AddressInfo).port}/talk.mp4`;
  servers.push(http, https);
});
after(() => {
  for (const s of servers) s.close();
  functions?.remove();
});

test('the stack ships FFmpeg in the functions that read media, and tells them to use the loopback proxy', () => {
  assert.deepEqual(withFfmpeg.map((f) => f.path).sort(), ['Pipeline/Ingest', 'Pipeline/PlanTranscript', 'Pipeline/Transcription/Fn']);
  for (const f of withFfmpeg) assert.equal(f.env.CLIPFORGE_FFMPEG_PROXY, 'loopback', f.path);
});

test('each bundled ffprobe and ffmpeg opens http:// and https:// URLs by host name as its function runs it', async () => {
  for (const f of withFfmpeg) {
    const env = await ffmpegEnv({ PATH: process.env.PATH, CLIPFORGE_FFMPEG_PROXY: f.env.CLIPFORGE_FFMPEG_PROXY });
    const encoder = new FfmpegEncoder({ ffmpeg: f.env.CLIPFORGE_FFMPEG!, ffprobe: f.env.CLIPFORGE_FFPROBE! });
    for (const url of [httpUrl, httpsUrl]) {
      const probed = await withEnv(env, () => encoder.probe(url));
      assert.ok(probed.duration > 60 && probed.video?.width === 1280, `${f.path} ${url}: ${JSON.stringify(probed)}`);
      // A seek into the middle: the range request goes through the proxy too.
      const { stderrTail } = await runProcess(f.env.CLIPFORGE_FFMPEG!, ['-v', 'error', '-ss', '30', '-i', url, '-t', '2', '-f', 'null', '-'], {
        env,
        timeoutMs: 60_000,
      });
      assert.equal(stderrTail.trim(), '', `${f.path} ffmpeg ${url}`);
    }
  }
});

test('the shipped ffmpeg and ffprobe are one release, FFmpeg 7.0.2 (never the 2018 FFmpeg 4.1 beside a 2023 ffprobe)', () => {
  for (const f of withFfmpeg) {
    for (const binary of [f.env.CLIPFORGE_FFMPEG!, f.env.CLIPFORGE_FFPROBE!]) {
      const first = execFileSync(binary, ['-version'], { encoding: 'utf8' }).split('\n')[0]!;
      assert.match(first, /^ff(mpeg|probe) version 7\.0\.2-static .*-2024 the FFmpeg developers$/, `${f.path}: ${first}`);
    }
  }
});

test('without the proxy the shipped static ffprobe and ffmpeg crash on the host name (why the proxy exists)', async () => {
  const [f] = withFfmpeg;
  await assert.rejects(
    runProcess(f!.env.CLIPFORGE_FFPROBE!, ['-v', 'error', '-show_format', httpUrl], { env: { PATH: process.env.PATH }, timeoutMs: 60_000 }),
    { message: /SIGSEGV/ },
  );
  await assert.rejects(
    runProcess(f!.env.CLIPFORGE_FFMPEG!, ['-v', 'error', '-i', httpUrl, '-t', '1', '-f', 'null', '-'], { env: { PATH: process.env.PATH }, timeoutMs: 60_000 }),
    { message: /SIGSEGV/ },
  );
});

/** ffmpegEnv reads CLIPFORGE_FFMPEG_PROXY from the process environment, as in the function. */
async function withEnv<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const before = process.env.CLIPFORGE_FFMPEG_PROXY;
  process.env.CLIPFORGE_FFMPEG_PROXY = env.CLIPFORGE_FFMPEG_PROXY;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.CLIPFORGE_FFMPEG_PROXY;
    else process.env.CLIPFORGE_FFMPEG_PROXY = before;
  }
}
