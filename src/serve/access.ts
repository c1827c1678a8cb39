// Who may use `serve`: with an access token, every request but the page's own files carries it
// (Authorization: Bearer, or a WebSocket subprotocol from the page), or is a link the server
// signed (uploads, clip downloads). Without a token (loopback), everyone on this machine may.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LinkSigner } from './signedLinks.ts';

/** The page and the health check need no token. */
const PUBLIC = new Set(['/', '/index.html', '/app.js', '/editor.js', '/style.css', '/healthz']);
/** Paths reachable by a signed link instead of the token: clip files and upload targets. */
const SIGNED_PATHS = /^\/(uploads\/[^/]+|jobs\/[^/]+\/files\/[^/]+|jobs\/[^/]+\/clips\.zip)$/;
/** The WebSocket subprotocol the page names, followed by the access token. */
export const WS_PROTOCOL = 'clipforge';

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const bearer = (authorization: string | undefined) => (authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined);

export interface HttpRequestInfo {
  path: string;
  authorization: string | undefined;
  query(name: string): string | undefined;
}

export function httpAllowed(req: HttpRequestInfo, token: string | undefined, links: LinkSigner): boolean {
  if (!token || PUBLIC.has(req.path)) return true;
  if (SIGNED_PATHS.test(req.path) && links.valid(req.path, req.query('exp'), req.query('sig'))) return true;
  return tokenMatches(bearer(req.authorization) ?? req.query('token'), token);
}

/** Browsers cannot set headers on a WebSocket: the page sends ("clipforge", TOKEN) as subprotocols, which stay out of URLs and logs. */
export function wsAllowed(req: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (!token) return true;
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const given = (protocols[0] === WS_PROTOCOL ? protocols[1] : undefined) ?? url.searchParams.get('token') ?? bearer(req.headers.authorization);
  return tokenMatches(given, token);
}
