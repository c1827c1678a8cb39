// The ingest stage's error kinds decide what the state machine retries: a tool that was killed
// must not be reported as the user's bad file.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FfmpegEncoder } from '../../src/adapters/ffmpeg/ffmpegEncoder.ts';
import { DiskStorage } from '../../src/adapters/local/diskStorage.ts';
import { LocalSourceResolver } from '../../src/adapters/local/localSourceResolver.ts';
import { InputError, ProcessError } from '../../src/core/errors.ts';
import { runProcess } from '../../src/media/runProcess.ts';
import { ingest } from '../../src/stages/ingest.ts';
import { cached, ffmpeg } from '../helpers/media.ts';

/** Real FFmpeg for extraction, given no time at all: it is SIGKILLed, as the OOM killer would. */
class StarvedEncoder extends FfmpegEncoder {
  override async extractSpeech(input: string, outWav: string): Promise<number> {
    await runProcess('ffmpeg', ['-nostdin', '-y', '-i', input, '-vn', '-ac', '1', '-ar', '16000', '-f', 'wav', outWav], { timeoutMs: 1 });
    return 0;
  }
}

const video = () =>
  cached('ingest-five-seconds.mp4', (p) =>
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:r=25',
      '-f',
      'lavfi',
      '-i',
      'sine=f=300',
      '-t',
      '5',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      p,
    ]),
  );

async function ports(encoder: FfmpegEncoder) {
  const work = new DiskStorage(await mkdtemp(join(tmpdir(), 'clipforge-ingest-')));
  return { work, sources: new LocalSourceResolver(work), encoder, progress: { emit: () => undefined } };
}

const input = (source: string) => ({ jobId: 'job1', source, options: { clips: 1, minSec: 20, maxSec: 60, maxDurationSec: 3600, concurrency: 1 } });

test('a usable video gives its facts and a 16 kHz speech track', async () => {
  const p = await ports(new FfmpegEncoder());
  const out = await ingest(input(await video()), p);
  assert.deepEqual({ w: out.source.width, h: out.source.height }, { w: 640, h: 360 });
  assert.ok(Math.abs(out.source.duration - 5) < 0.1);
  const wav = await new FfmpegEncoder().probe(await p.work.localPath(out.audioKey));
  assert.deepEqual(wav.audio, { codec: 'pcm_s16le', channels: 1, sampleRate: 16000 });
});

test('an extraction killed by a signal stays a retryable process error, not bad input', async () => {
  const err = await ingest(input(await video()), await ports(new StarvedEncoder())).then(
    () => assert.fail('ingest should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProcessError, `got ${String(err)}`);
  assert.ok(!(err instanceof InputError));
  assert.equal(err.signal, 'SIGKILL');
});
