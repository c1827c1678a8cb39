// A small OpenAI-protocol server on loopback for tests: the real `openai` client talks HTTP to
// it. It records every request, counts requests in flight, can fail on cue (429 with
// Retry-After, 5xx), and answers transcriptions and chat completions through handlers the test
// gives (by default: words where the uploaded audio is not silent, and verdicts for every
// candidate in the prompt).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer';
import type { OpenAiConfig } from '../../src/adapters/openai/openaiConfig.ts';
import { findPauses } from '../../src/media/silences.ts';
import { runProcess } from '../../src/media/runProcess.ts';

export interface TranscriptionRequest {
  at: number;
  model: string;
  responseFormat: string;
  granularities: string[];
  language: string | undefined;
  fileName: string;
  fileType: string;
  bytes: number;
  audio: Buffer;
}

export interface ChatRequest {
  at: number;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  };
  tokensIn: number;
}

export interface Failure {
  status: number;
  retryAfter?: string;
  body?: unknown;
}

export interface VerboseAnswer {
  words: Array<{ word: string; start: number; end: number }>;
  segments: Array<{ start: number; end: number; text: string }>;
  duration: number;
}

export interface FakeOpenAi {
  url: string;
  transcriptions: TranscriptionRequest[];
  chats: ChatRequest[];
  maxInFlight: number;
  /** Requests answered with these failures first, in order, before normal answers. */
  failures: Failure[];
  delayMs: number;
  transcribe: (req: TranscriptionRequest) => Promise<VerboseAnswer>;
  chat: (req: ChatRequest) => string;
  close(): Promise<void>;
}

const SCRIPT =
  'the most important thing I learned this year is that small habits compound into big results. ' +
  'here is the surprising part: most people quit right before it starts to work. ' +
  'so if you remember one thing, keep going for one more week.';

/** Words over the non-silent stretches of the audio, times relative to the file: a stand-in ASR. */
export async function wordsWhereSound(audio: Buffer, script = SCRIPT): Promise<VerboseAnswer> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-openai-'));
  try {
    const file = join(dir, 'upload.mp3');
    await writeFile(file, audio);
    const { stdout } = await runProcess('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
    const duration = Number(stdout.trim());
    const pauses = await findPauses(file, { minSec: 0.25 });
    const spans: Array<[number, number]> = [];
    let t = 0;
    for (const p of pauses) {
      if (p.start - t > 0.05) spans.push([t, p.start]);
      t = p.end;
    }
    if (duration - t > 0.05) spans.push([t, duration]);
    const tokens = script.split(/\s+/);
    let k = 0;
    const words: VerboseAnswer['words'] = [];
    const segments: VerboseAnswer['segments'] = [];
    for (const [a, b] of spans) {
      // One word per 0.4 s of sound, at least one.
      const n = Math.max(1, Math.round((b - a) / 0.4));
      const seg: string[] = [];
      for (let i = 0; i < n; i++) {
        const word = tokens[k++ % tokens.length]!;
        words.push({ word: word.replace(/[.,:]/g, ''), start: a + ((b - a) * i) / n, end: a + ((b - a) * (i + 1)) / n });
        seg.push(word);
      }
      segments.push({ start: a, end: b, text: ` ${seg.join(' ')}` });
    }
    return { words, segments, duration };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A verdict for every candidate id in the prompt; longer candidates score higher. */
export function verdictsFor(req: ChatRequest): string {
  const user = req.body.messages.find((m) => m.role === 'user')!;
  const { candidates } = JSON.parse(user.content) as { candidates: Array<{ id: number; seconds: number; transcript: string }> };
  return JSON.stringify({
    clips: candidates.map((c) => ({
      id: c.id,
      score: Math.min(100, 50 + c.seconds),
      title: `Model title ${c.id}`,
      hook: c.transcript.split(/\s+/).slice(0, 6).join(' '),
      reason: `model reason ${c.id}`,
    })),
  });
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(json));
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  let inFlight = 0;
  const fake: FakeOpenAi = {
    url: '',
    transcriptions: [],
    chats: [],
    maxInFlight: 0,
    failures: [],
    delayMs: 0,
    transcribe: (r) => wordsWhereSound(r.audio),
    chat: verdictsFor,
    close: async () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    inFlight += 1;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    try {
      const raw = await body(req);
      const at = Date.now();
      if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
      if (req.headers.authorization !== 'Bearer test-key') return send(res, 401, { error: { message: 'bad key', type: 'invalid_request_error' } });
      if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
        const form = await new Request('http://x/', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type']! },
          body: new Uint8Array(raw),
        }).formData();
        const file = form.get('file') as File;
        const audio = Buffer.from(await file.arrayBuffer());
        const record: TranscriptionRequest = {
          at,
          model: String(form.get('model')),
          responseFormat: String(form.get('response_format')),
          granularities: form.getAll('timestamp_granularities[]').map(String),
          language: form.get('language')?.toString(),
          fileName: file.name,
          fileType: file.type,
          bytes: audio.length,
          audio,
        };
        fake.transcriptions.push(record);
        const failure = fake.failures.shift();
        if (failure)
          return send(
            res,
            failure.status,
            failure.body ?? { error: { message: `scripted ${failure.status}` } },
            failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
          );
        const answer = await fake.transcribe(record);
        return send(res, 200, { task: 'transcribe', language: 'english', text: answer.segments.map((s) => s.text).join(''), ...answer });
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        const parsed = JSON.parse(raw.toString('utf8')) as ChatRequest['body'];
        const tokensIn = parsed.messages.reduce((a, m) => a + encode(m.content).length + 4, 3);
        const record: ChatRequest = { at, body: parsed, tokensIn };
        fake.chats.push(record);
        const failure = fake.failures.shift();
        if (failure)
          return send(
            res,
            failure.status,
            failure.body ?? { error: { message: `scripted ${failure.status}` } },
            failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
          );
        const content = fake.chat(record);
        return send(res, 200, {
          id: `chatcmpl-${fake.chats.length}`,
          object: 'chat.completion',
          created: Math.floor(at / 1000),
          model: parsed.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
          usage: { prompt_tokens: tokensIn, completion_tokens: encode(content).length, total_tokens: tokensIn + encode(content).length },
        });
      }
      send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    } catch (err) {
      send(res, 500, { error: { message: String(err) } });
    } finally {
      inFlight -= 1;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://localhost:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

/** Client settings for the fake server: generous rate limit, 2 at once, the default models. */
export function fakeOpenAiConfig(url: string, over: Partial<OpenAiConfig> = {}): OpenAiConfig {
  return {
    apiKey: 'test-key',
    baseURL: url,
    transcribeModel: 'whisper-1',
    scoreModel: 'gpt-4o',
    rate: { perMinute: 1000, concurrent: 2 },
    attempts: 3,
    scoreBatch: 4,
    maxUploadBytes: 24 * 1024 * 1024,
    ...over,
  };
}
