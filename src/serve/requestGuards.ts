// Which requests `clipforge serve` answers at all, for HTTP and the WebSocket upgrade alike:
// - Host must name this server: a loopback name, an IP address, the bound host or a name given
//   with --public-host. A DNS-rebinding page reaches the server under its own domain name, and
//   is refused here.
// - Origin, when a browser sends one, must be the server's own (same host and port as the Host
//   header) on every request that changes something and on the WebSocket upgrade: another site's
//   page may not start jobs, cancel them, upload, or listen to progress.
import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** On every response: the page loads only its own script, style and media, is never framed, leaks no URL. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface GuardOptions {
  /** The address serve listens on. */
  boundHost: string;
  /** Names clients use to reach this server (a DNS name of the machine, a reverse proxy's name). */
  publicHosts: readonly string[];
}

/** The host name of a Host header value, without port or IPv6 brackets; undefined if malformed. */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(header.trim());
  return m ? m[1]!.replace(/^\[|\]$/g, '').toLowerCase() : undefined;
}

export function hostAllowed(header: string | undefined, opts: GuardOptions): boolean {
  const name = hostName(header);
  if (!name) return false;
  return LOOPBACK_NAMES.has(name) || isIP(name) !== 0 || name === opts.boundHost.toLowerCase() || opts.publicHosts.some((h) => h.toLowerCase() === name);
}

/** No Origin (curl, scripts, same-origin GETs) passes; a browser's Origin must be this server as the client named it. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() === (host ?? '').trim().toLowerCase();
  } catch {
    return false;
  }
}

/** Why a request is refused (403), or undefined when it may go on. */
export function refusal(
  req: { method: string; host: string | undefined; origin: string | undefined; upgrade?: boolean },
  opts: GuardOptions,
): string | undefined {
  if (!hostAllowed(req.host, opts))
    return `this server does not answer to the host name ${JSON.stringify(req.host ?? '')}; start serve with --public-host NAME to allow a name`;
  if ((req.upgrade || !SAFE_METHODS.has(req.method)) && !originAllowed(req.origin, req.host)) return `requests from pages of ${req.origin} are not accepted`;
  return undefined;
}
