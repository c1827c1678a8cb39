// Who is asking, for the API and the WebSocket on AWS: each job belongs to the IAM identity that
// created it, and a caller sees, cancels and follows only their own jobs, unless they are an
// administrator (ADMIN_PRINCIPALS). `clipforge serve` has one token, so one caller who sees all.

export interface Caller {
  /** The caller's identity: an IAM user or assumed-role session ARN on AWS. */
  owner: string;
  admin: boolean;
}

/** serve's one caller (whoever holds its token). */
export const LOCAL_CALLER: Caller = { owner: 'local', admin: true };

/** `arn` matches one of the patterns (`*` any run of characters), as IAM's ARN matching does. */
export function matchesArn(arn: string, patterns: string[]): boolean {
  return patterns.some((p) =>
    new RegExp(
      `^${p
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(arn),
  );
}

/** The caller an IAM-signed request comes from; undefined when it carries no identity. */
export function callerOf(userArn: string | undefined | null, adminPatterns: string[]): Caller | undefined {
  if (!userArn) return undefined;
  return { owner: userArn, admin: matchesArn(userArn, adminPatterns) };
}

/** Whether `caller` may see and act on a job that `owner` created (jobs from the inbox have no owner: administrators'). */
export function mayAccess(caller: Caller, owner: string | undefined): boolean {
  return caller.admin || (owner !== undefined && owner === caller.owner);
}

/** ADMIN_PRINCIPALS: comma-separated ARN patterns. */
export function adminPatterns(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
