// The render stage hands the encoder everything ingest learned about the picture: each field of
// the source that shapes the render (pixel aspect, fields, HDR, bars, the speech track) reaches
// the render spec. It once dropped the bars, and only a whole-pipeline run showed it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RenderSpec, Storage } from '../../src/core/ports.ts';
import { ClipTaskSchema, SourceInfoSchema } from '../../src/core/schemas.ts';
import { centreCrop } from '../../src/media/cropGeometry.ts';
import { render } from '../../src/stages/render.ts';

const memory = (files: Map<string, string>): Storage => ({
  localPath: async (k) => `/mem/${k}`,
  writeFile: async (k, write) => {
    await write(`/mem/${k}.tmp`);
    files.set(k, 'bytes');
  },
  writeText: async (k, t) => void files.set(k, t),
  readText: async (k) => files.get(k) ?? '',
  exists: async (k) => files.has(k),
  removePrefix: async () => undefined,
});

test('every source field that shapes the render reaches the encoder', async () => {
  const source = SourceInfoSchema.parse({
    path: 'film.mp4',
    duration: 120,
    width: 1920,
    height: 804,
    fps: 12,
    sar: 4 / 3,
    interlaced: true,
    hdr: 'hlg',
    bars: { x: 0, y: 138, w: 1920, h: 804 },
    audioTrack: 1,
  });
  const shaping = ['fps', 'sar', 'interlaced', 'hdr', 'bars'] as const;
  const files = new Map([
    ['j/transcript.json', JSON.stringify({ provider: 'captions', model: 'x', audioSeconds: 120, words: [{ w: 'hi', start: 10, end: 10.4 }] })],
  ]);
  let seen: RenderSpec | undefined;
  const task = {
    ...ClipTaskSchema.parse({
      jobId: 'j',
      sourceFile: 'film.mp4',
      source,
      transcriptKey: 'j/transcript.json',
      clip: { rank: 1, start: 10, end: 30, score: 80, title: 'Hi', reason: 'r', text: 'hi' },
    }),
    crop: { ...centreCrop(source), layout: 'follow' },
  };
  await render(task, {
    work: memory(files),
    outputs: memory(files),
    sources: { resolve: async () => ({ ref: 'film.mp4' }), open: async (r) => r, readText: async () => '' },
    progress: { emit: () => undefined },
    encoder: {
      render: async (spec: RenderSpec) => void (seen = spec),
      probe: async () => ({
        formatName: 'mp4',
        duration: 20,
        video: { codec: 'h264', width: 1080, height: 1920, fps: 30 },
        audio: { codec: 'aac', channels: 2, sampleRate: 48000 },
      }),
      thumbnail: async () => undefined,
    } as never,
  });
  assert.ok(seen);
  for (const field of shaping) assert.deepEqual(seen.source[field], source[field], `source.${field} reaches the encoder`);
  assert.equal(seen.audioTrack, 1, 'the speech track reaches the encoder');
  assert.deepEqual([seen.source.width, seen.source.height], [1920, 804]);
});
