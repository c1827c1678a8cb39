// The OpenAI key on AWS lives in Secrets Manager (OPENAI_SECRET_ARN); it is read once per
// process into OPENAI_API_KEY, where the OpenAI adapters look. An empty secret means "no key":
// scoring then uses the first pass, and transcription says clearly that it needs one.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let loaded: Promise<void> | undefined;

export function loadOpenAiKey(env: NodeJS.ProcessEnv = process.env, client = new SecretsManagerClient({})): Promise<void> {
  loaded ??= (async () => {
    if (env.OPENAI_API_KEY || !env.OPENAI_SECRET_ARN) return;
    const secret = await client.send(new GetSecretValueCommand({ SecretId: env.OPENAI_SECRET_ARN }));
    const key = secret.SecretString?.trim();
    if (key) env.OPENAI_API_KEY = key;
    else loaded = undefined; // not set yet: look again on the next call
  })();
  return loaded;
}
