// The smoke test's SigV4 signer (scripts/awsSigned.ts), held to moto's own signature check (IAM is
// enforced there): a signed STS call answers with the signer's identity; a tampered one is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signedFetch } from '../../scripts/awsSigned.ts';
import { type AwsEmulator, TEST_ADMIN, startAwsEmulator } from '../helpers/moto.ts';

let aws: AwsEmulator;
before(async () => {
  aws = await startAwsEmulator();
});
after(() => aws?.stop());

test("a request signed by the smoke test's signer is accepted as its signer; a wrong secret is refused", async () => {
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const ok = await signedFetch(
    `${aws.endpoint}/`,
    { method: 'POST', body, headers },
    { service: 'sts', region: 'us-east-1', credentials: aws.config.credentials },
  );
  const text = await ok.text();
  assert.equal(ok.status, 200, text);
  assert.match(text, new RegExp(`user/${TEST_ADMIN}`));
  const bad = await signedFetch(
    `${aws.endpoint}/`,
    { method: 'POST', body, headers },
    { service: 'sts', region: 'us-east-1', credentials: { ...aws.config.credentials, secretAccessKey: 'wrong' } },
  );
  assert.equal(bad.status, 403);
});
