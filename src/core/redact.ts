// What may be stored or shown of an error: never a credential. A presigned URL carries one in its
// query (X-Amz-Credential, X-Amz-Signature, a session token), a task token is one; both reach
// messages through FFmpeg's stderr or an SDK error.

/** A run this long of token characters is a credential, not a word (task tokens are 1-2 KB). */
const TOKEN_RUN = /[A-Za-z0-9+/_=-]{160,}/g;
const URL_QUERY = /\b(https?:\/\/[^\s?#'"<>]+)\?[^\s'"<>]*/gi;

/** user:password@ in a URL. */
const URL_USERINFO = /\b(https?:\/\/)[^\s/?#@'"<>]+@/gi;

export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, '$1…@').replace(URL_QUERY, '$1?…').replace(TOKEN_RUN, '…');
}

/** The same error (name kept: the state machine's rules match it) with its message redacted. */
export function redactError(err: unknown): unknown {
  if (err instanceof Error) {
    const clean = redactSecrets(err.message);
    if (clean !== err.message) err.message = clean;
  }
  return err;
}

/** A source URL as it may be stored and shown: no query (it may hold a token), no user:password. */
export function redactUrlQuery(uri: string): string {
  if (!/^https?:\/\//i.test(uri)) return uri;
  try {
    const u = new URL(uri);
    if (!u.search && !u.username && !u.password) return uri;
    const hidden = u.search ? '?…' : '';
    u.search = '';
    u.username = '';
    u.password = '';
    return `${u.toString()}${hidden}`;
  } catch {
    return redactSecrets(uri);
  }
}
