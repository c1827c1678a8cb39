// The speech's language is one rule wherever it is given: a job's options (API, page), the CLI's
// --language, and CLIPFORGE_LANGUAGE for the offline engine and OpenAI alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openAiConfigFromEnv } from '../../src/adapters/openai/openaiConfig.ts';
import { parseRunArgs } from '../../src/cli/runCommand.ts';
import { JobOptionsSchema } from '../../src/core/schemas.ts';
import { spokenLanguage } from '../../src/core/spokenLanguage.ts';

test('a job names its language as an ISO 639-1 code (any case) or auto, the default', () => {
  assert.equal(JobOptionsSchema.parse({}).language, 'auto');
  assert.equal(JobOptionsSchema.parse({ language: ' DE ' }).language, 'de');
  assert.match(JobOptionsSchema.safeParse({ language: 'german' }).error?.issues[0]?.message ?? '', /two-letter ISO 639-1 code/);
});

test('the CLI flag is the job option, refused in its own words', () => {
  assert.equal(parseRunArgs(['talk.mp4', '--language', 'RU']).options.language, 'ru');
  assert.throws(() => parseRunArgs(['talk.mp4', '--language', 'russian']), /--language: a two-letter ISO 639-1 code/);
});

test('CLIPFORGE_LANGUAGE holds to the same rule for both engines', () => {
  assert.equal(spokenLanguage({ CLIPFORGE_LANGUAGE: 'Ja' }), 'ja');
  assert.equal(spokenLanguage({}), undefined);
  assert.throws(() => spokenLanguage({ CLIPFORGE_LANGUAGE: 'japanese' }), /CLIPFORGE_LANGUAGE must be a two-letter ISO 639-1 code/);
  assert.equal(openAiConfigFromEnv({ OPENAI_API_KEY: 'k', CLIPFORGE_LANGUAGE: 'Ja' })?.language, 'ja');
  assert.throws(() => openAiConfigFromEnv({ OPENAI_API_KEY: 'k', CLIPFORGE_LANGUAGE: 'japanese' }), /two-letter ISO 639-1 code/);
});
