// A loopback server speaking API Gateway's Management API (POST /@connections/{id}), for the
// WebSocket tests: moto accepts posts to any connection and never answers 410 Gone, which is
// exactly the case the clean-up must handle. Records what each connection was sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeManagementApi {
  url: string;
  received: Map<string, unknown[]>;
  gone: Set<string>;
  close(): Promise<void>;
}

export async function startManagementApi(): Promise<FakeManagementApi> {
  const received = new Map<string, unknown[]>();
  const gone = new Set<string>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/@connections\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    const id = decodeURIComponent(m[1]!);
    if (gone.has(id)) {
      res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' }).end('{"message":null}');
      return;
    }
    received.set(id, [...(received.get(id) ?? []), JSON.parse(Buffer.concat(chunks).toString('utf8'))]);
    res.writeHead(200, { 'content-type': 'application/json' }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    received,
    gone,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
