// The OpenAI key on AWS lives in Secrets Manager (OPENAI_SECRET_ARN). The stack creates the
// secret holding NO_KEY, which means "no key" (as an empty secret does): scoring then uses the
// free first pass and transcription says clearly that it needs a key or a caption file. A key put
// in later, or rotated, is seen within KEY_TTL_MS by warm functions, and at once after a 401.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** What the stack puts in the secret: a placeholder, not a key (CloudFormation refuses an empty secret). */
export const NO_KEY = 'none';
/** How long a read key is used before the secret is read again (a rotated key takes effect within this). */
export const KEY_TTL_MS = 5 * 60_000;

export function isNoKey(value: string | undefined): boolean {
  const v = value?.trim();
  return !v || v.toLowerCase() === NO_KEY;
}

export class OpenAiKeySecret {
  private cached: { key: string | undefined; at: number } | undefined;

  constructor(
    private readonly secretArn: string | undefined,
    private readonly client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
    private readonly now: () => number = Date.now,
  ) {}

  /** The key, or undefined when none is set; `fresh` reads the secret again whatever the cache holds. */
  async current(opts: { fresh?: boolean } = {}): Promise<string | undefined> {
    if (!this.secretArn) return undefined;
    if (!opts.fresh && this.cached && this.now() - this.cached.at < KEY_TTL_MS) return this.cached.key;
    const secret = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
    const key = isNoKey(secret.SecretString) ? undefined : secret.SecretString!.trim();
    this.cached = { key, at: this.now() };
    return key;
  }
}

/** An error of the OpenAI API meaning the key was refused (HTTP 401), wherever it was wrapped. */
export function keyRefused(err: unknown): boolean {
  for (let e = err as { status?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.status === 401) return true;
  }
  return false;
}

/**
 * Runs `work` with the key (undefined: none set). An explicit OPENAI_API_KEY in the environment
 * wins (tests, a self-managed setup). When the key is refused, the secret is read again and, if it
 * now holds another key (rotated since it was cached), the work runs once more with it.
 */
export async function withOpenAiKey<T>(keys: OpenAiKeySecret, work: (key: string | undefined) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (env.OPENAI_API_KEY) return work(env.OPENAI_API_KEY);
  const key = await keys.current();
  try {
    return await work(key);
  } catch (err) {
    if (!keyRefused(err)) throw err;
    const fresh = await keys.current({ fresh: true });
    if (fresh === key) throw err;
    return work(fresh);
  }
}
