// The OpenAI key from Secrets Manager: the stack's placeholder and an empty secret mean "no key";
// a key put in later or rotated is seen within the cache time, and at once after a 401.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KEY_TTL_MS, NO_KEY, OpenAiKeySecret, withOpenAiKey } from '../../src/aws/openAiKey.ts';

/** Secrets Manager in memory: GetSecretValue answers what `value` holds now, and counts its reads. */
function secretsManager(initial: string) {
  const state = { value: initial, reads: 0 };
  const client = {
    send: async () => {
      state.reads++;
      return { SecretString: state.value };
    },
  } as unknown as Pick<SecretsManagerClient, 'send'>;
  return { state, client };
}

test('the placeholder the stack creates, and an empty secret, are "no key"', async () => {
  for (const value of [NO_KEY, '', '  ', 'NONE']) {
    const { client } = secretsManager(value);
    assert.equal(await new OpenAiKeySecret('arn:secret', client).current(), undefined, JSON.stringify(value));
  }
  assert.equal(await new OpenAiKeySecret(undefined).current(), undefined, 'no secret configured');
});

test('a key put in after deploying is used within the cache time, without a restart', async () => {
  const { state, client } = secretsManager(NO_KEY);
  let now = 0;
  const keys = new OpenAiKeySecret('arn:secret', client, () => now);
  assert.equal(await keys.current(), undefined);
  state.value = 'sk-new';
  now += KEY_TTL_MS / 2;
  assert.equal(await keys.current(), undefined, 'cached meanwhile');
  assert.equal(state.reads, 1);
  now += KEY_TTL_MS;
  assert.equal(await keys.current(), 'sk-new');
});

test('a refused key (401) is read again and the work runs once more with the rotated one', async () => {
  const { state, client } = secretsManager('sk-old');
  const keys = new OpenAiKeySecret('arn:secret', client);
  const used: Array<string | undefined> = [];
  await keys.current();
  state.value = 'sk-rotated';
  const result = await withOpenAiKey(
    keys,
    async (key) => {
      used.push(key);
      if (key === 'sk-old') throw Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('Incorrect API key'), { status: 401 }) });
      return 'ok';
    },
    {},
  );
  assert.equal(result, 'ok');
  assert.deepEqual(used, ['sk-old', 'sk-rotated']);
  // The same key refused again: no loop, the error stands.
  await assert.rejects(
    withOpenAiKey(
      keys,
      async () => {
        throw Object.assign(new Error('Incorrect API key'), { status: 401 });
      },
      {},
    ),
    /Incorrect API key/,
  );
});
