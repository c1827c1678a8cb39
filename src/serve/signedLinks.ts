// Links the server hands out (clip downloads, upload URLs) carry a short-lived signature instead
// of the access token: a token in a URL ends up in browser history, proxy logs and Referer
// headers. The signature is an HMAC of the path and its expiry under the token, so links survive
// a restart with the same token and die with a new one.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Long enough to watch or download a clip, or to send an 8 GB upload on a slow link. */
export const LINK_TTL_SEC = 24 * 3600;

export interface LinkSigner {
  /** `path` with `?exp=…&sig=…` (unchanged when no token is set). */
  sign(path: string, now?: number): string;
  /** True when the request's exp/sig are a valid, unexpired signature of its path. */
  valid(path: string, exp: string | undefined, sig: string | undefined, now?: number): boolean;
}

export function linkSigner(token: string | undefined): LinkSigner {
  const mac = (path: string, exp: number) => createHmac('sha256', `clipforge-link:${token}`).update(`${exp}:${path}`).digest('base64url');
  return {
    sign(path, now = Date.now()) {
      if (!token) return path;
      const exp = Math.floor(now / 1000) + LINK_TTL_SEC;
      return `${path}?exp=${exp}&sig=${mac(path, exp)}`;
    },
    valid(path, exp, sig, now = Date.now()) {
      if (!token || !exp || !sig || !/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < now) return false;
      const want = Buffer.from(mac(path, Number(exp)));
      const got = Buffer.from(sig);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}
