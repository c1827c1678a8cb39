// Helpers for talking to a running `clipforge serve`: JSON requests and a WebSocket that
// collects messages until a job's final one.
import WebSocket from 'ws';

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

export interface Followed {
  messages: Array<{ type: string; jobId: string; stage?: string; pct?: number; message?: string; manifest?: unknown; error?: string }>;
  final: Promise<{ type: string; [k: string]: unknown }>;
  close(): void;
}

/** Subscribes to a job (or "*") and resolves `final` with its done/failed/cancelled message. */
export function follow(wsUrl: string, subscribe: string, finalFor = subscribe): Promise<Followed> {
  return new Promise((resolveOpen, rejectOpen) => {
    const ws = new WebSocket(wsUrl);
    const messages: Followed['messages'] = [];
    let resolveFinal!: (m: any) => void;
    let rejectFinal!: (e: Error) => void;
    const final = new Promise<any>((res, rej) => ((resolveFinal = res), (rejectFinal = rej)));
    final.catch(() => undefined);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      messages.push(m);
      if (['done', 'failed', 'cancelled'].includes(m.type) && (finalFor === '*' || m.jobId === finalFor)) resolveFinal(m);
    });
    ws.on('open', () => {
      ws.send(JSON.stringify({ subscribe }));
      resolveOpen({ messages, final, close: () => ws.close() });
    });
    ws.on('unexpected-response', (_req, res) => rejectOpen(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
    ws.on('error', (e) => {
      rejectOpen(e);
      rejectFinal(e);
    });
    ws.on('close', () => rejectFinal(new Error('WebSocket closed before the job ended')));
  });
}
