// SigV4 for the stack's IAM-authorised APIs, as a client of them signs: a signed fetch for the
// HTTP API (service execute-api) and a presigned wss:// URL for the WebSocket API's $connect.
// Credentials and region from the shell (the SDK's default chain). Used by `npm run smoke:aws`.
import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** SHA-256 (or its HMAC, given a secret) in the shape the signer takes. */
type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

class Sha256 {
  private readonly hash;
  constructor(secret?: Data) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Data): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

export interface SignOptions {
  service: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const signer = (o: SignOptions) => new SignatureV4({ service: o.service, region: o.region, credentials: o.credentials ?? defaultProvider(), sha256: Sha256 });

const queryOf = (u: URL) => Object.fromEntries(u.searchParams.entries());

/** fetch, signed with SigV4 (the body is part of the signature). */
export async function signedFetch(url: string, init: { method: string; body?: string; headers?: Record<string, string> }, o: SignOptions): Promise<Response> {
  const u = new URL(url);
  const signed = await signer(o).sign({
    method: init.method,
    protocol: u.protocol,
    hostname: u.hostname,
    ...(u.port ? { port: Number(u.port) } : {}),
    path: u.pathname,
    query: queryOf(u),
    headers: { host: u.host, ...(init.headers ?? {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return fetch(url, { method: init.method, headers: signed.headers, ...(init.body !== undefined ? { body: init.body } : {}) });
}

/** A wss:// URL with its SigV4 signature in the query, for an IAM-authorised WebSocket $connect. */
export async function presignedWebSocketUrl(wssUrl: string, o: SignOptions, expiresIn = 300): Promise<string> {
  const u = new URL(wssUrl);
  const signed = await signer(o).presign(
    { method: 'GET', protocol: u.protocol, hostname: u.hostname, path: u.pathname, query: queryOf(u), headers: { host: u.host } },
    { expiresIn },
  );
  const out = new URL(wssUrl);
  for (const [k, v] of Object.entries(signed.query ?? {})) out.searchParams.set(k, String(v));
  return out.toString();
}
