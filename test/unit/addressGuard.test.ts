// Which addresses a server may fetch from for a client: the decided edge cases of IPv6 that carry
// IPv4 or are routed only inside a site, refused like the private ranges they can reach.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPublicAddress } from '../../src/adapters/http/addressGuard.ts';

test('IPv4-translated, Teredo, 6to4 and site-local IPv6 are refused; public addresses are not', () => {
  for (const refused of [
    '::ffff:0:7f00:1',
    '::ffff:0:a00:1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2002:7f00:1::1',
    '2002:a00:1::',
    'fec0::1',
    '[::ffff:127.0.0.1]',
    '::ffff:7f00:1',
  ]) {
    assert.equal(isPublicAddress(refused), false, refused);
  }
  for (const open of ['2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '8.8.8.8', '2001:4860:4860::8888']) {
    assert.equal(isPublicAddress(open), true, open);
  }
});
