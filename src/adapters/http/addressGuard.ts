// Which addresses a server may fetch from on someone else's behalf: public unicast only. Loopback,
// private, link-local (cloud metadata at 169.254.169.254, Fargate's credentials at
// 169.254.170.2), CGNAT, multicast, unspecified, documentation/benchmark ranges, IPv6 unique- and
// link-local, and IPv4 hidden in IPv6 (mapped, NAT64) are refused. Node's BlockList does the
// matching; the lists are IANA's special-purpose registries.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // Decided, not in IANA's table as "not global" but no place for a server's fetch: IPv4-translated
  // (SIIT, ::ffff:0:a.b.c.d), Teredo (2001::/32) and 6to4 (2002::/16) tunnel IPv4 (possibly a
  // private one) inside IPv6 and are deprecated or relay-dependent; fec0::/10 is the deprecated
  // site-local range some stacks still route inside the site.
  ['::ffff:0:0:0', 96],
  ['2001::', 32],
  ['2002::', 16],
  ['fec0::', 10],
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (::ffff:a.b.c.d, ::ffff:7f00:1). */
function embeddedIpv4(ip: string): string | undefined {
  const m = /^::(?:ffff:)?(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function isPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return !blocked.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    return v4 ? isPublicAddress(v4) : !blocked.check(ip, 'ipv6');
  }
  return false;
}

/** 'any': the local user's own command; 'public': a server fetching for a client; or a predicate (home labs, tests). */
export type AddressPolicy = 'any' | 'public' | ((address: string) => boolean);

/** A target the policy does not allow (told to clients in the same words as an unreachable one). */
export class Refused extends Error {}

export const allowed = (policy: AddressPolicy, address: string): boolean =>
  policy === 'any' ? true : policy === 'public' ? isPublicAddress(address) : policy(address);

/**
 * dns.lookup, answering only when every address of the name is allowed; a socket given it then
 * connects to what it answered (no second lookup a rebinding name could change).
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      if (!addresses.length || addresses.some((a) => !allowed(policy, a.address))) return callback(new Refused(), '');
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as LookupFunction;
}

/** The one address to connect to for host (a name or an IP literal), or Refused. */
export function checkedAddress(host: string, policy: AddressPolicy): Promise<{ address: string; family: number }> {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family) return allowed(policy, bare) ? Promise.resolve({ address: bare, family }) : Promise.reject(new Refused());
  return new Promise((resolve, reject) =>
    guardedLookup(policy)(bare, {}, (err, address, fam) => (err ? reject(err) : resolve({ address: address as string, family: fam ?? 4 }))),
  );
}
