// The benchmarks' 1080p talk (~10 minutes), generated once and kept in .bench/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeSampleTalk } from '../src/samples/sampleTalk.ts';

export const BENCH_DIR = resolve('.bench');

export async function benchTalk1080p(): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const talk = join(BENCH_DIR, 'talk-1080p.mp4');
  if (!existsSync(talk)) {
    console.error('making a ~10-minute 1080p talk (once; kept in .bench/)');
    await makeSampleTalk(talk, { width: 1920, height: 1080, repeat: 4 });
  }
  return talk;
}
