import net from 'node:net';

/**
 * Is an IP address public unicast? Everything in the IANA special-purpose registries (IPv4 and IPv6) is refused, and
 * IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96, the NAT64 well-known prefix 64:ff9b::/96, 6to4
 * 2002::/16) are judged by the IPv4 address they carry, since that is where the packets end up. IPv6 outside
 * 2000::/3 (global unicast) is refused whatever it is. Pure: no DNS, no logging.
 */

interface Range {
  network: string;
  prefix: number;
  reason: string;
}

const IPV4_SPECIAL: readonly Range[] = [
  { network: '0.0.0.0', prefix: 8, reason: '"this network" (0.0.0.0/8)' },
  { network: '10.0.0.0', prefix: 8, reason: 'private (10.0.0.0/8)' },
  { network: '100.64.0.0', prefix: 10, reason: 'shared carrier-grade NAT (100.64.0.0/10)' },
  { network: '127.0.0.0', prefix: 8, reason: 'loopback (127.0.0.0/8)' },
  { network: '169.254.0.0', prefix: 16, reason: 'link-local, where cloud metadata services live (169.254.0.0/16)' },
  { network: '172.16.0.0', prefix: 12, reason: 'private (172.16.0.0/12)' },
  { network: '192.0.0.0', prefix: 24, reason: 'IETF protocol assignments (192.0.0.0/24)' },
  { network: '192.0.2.0', prefix: 24, reason: 'documentation (192.0.2.0/24)' },
  { network: '192.88.99.0', prefix: 24, reason: '6to4 relay anycast (192.88.99.0/24)' },
  { network: '192.168.0.0', prefix: 16, reason: 'private (192.168.0.0/16)' },
  { network: '198.18.0.0', prefix: 15, reason: 'benchmarking (198.18.0.0/15)' },
  { network: '198.51.100.0', prefix: 24, reason: 'documentation (198.51.100.0/24)' },
  { network: '203.0.113.0', prefix: 24, reason: 'documentation (203.0.113.0/24)' },
  { network: '224.0.0.0', prefix: 4, reason: 'multicast (224.0.0.0/4)' },
  { network: '255.255.255.255', prefix: 32, reason: 'broadcast (255.255.255.255)' },
  { network: '240.0.0.0', prefix: 4, reason: 'reserved (240.0.0.0/4)' },
];

/** Checked after the IPv4-carrying forms have been unwrapped; the first match names the reason. */
const IPV6_SPECIAL: readonly Range[] = [
  { network: '::', prefix: 128, reason: 'unspecified (::)' },
  { network: '::1', prefix: 128, reason: 'loopback (::1)' },
  { network: '::', prefix: 96, reason: 'IPv4-compatible, deprecated (::/96)' },
  // RFC 8215: for translators inside one network; where its IPv4 part sits depends on the local prefix length.
  { network: '64:ff9b:1::', prefix: 48, reason: 'local-use NAT64 (64:ff9b:1::/48)' },
  { network: '100::', prefix: 64, reason: 'discard-only (100::/64)' },
  { network: '2001:db8::', prefix: 32, reason: 'documentation (2001:db8::/32)' },
  { network: '2001::', prefix: 32, reason: 'Teredo (2001::/32)' },
  { network: '2001::', prefix: 23, reason: 'IETF protocol assignments (2001::/23)' },
  { network: '3fff::', prefix: 20, reason: 'documentation (3fff::/20)' },
  { network: '5f00::', prefix: 16, reason: 'segment routing (5f00::/16)' },
  { network: 'fc00::', prefix: 7, reason: 'unique-local (fc00::/7)' },
  { network: 'fe80::', prefix: 10, reason: 'link-local (fe80::/10)' },
  { network: 'fec0::', prefix: 10, reason: 'site-local, deprecated (fec0::/10)' },
  { network: 'ff00::', prefix: 8, reason: 'multicast (ff00::/8)' },
];

interface CompiledRange {
  list: net.BlockList;
  reason: string;
}

function compile(ranges: readonly Range[], family: 'ipv4' | 'ipv6'): CompiledRange[] {
  return ranges.map(({ network, prefix, reason }) => {
    const list = new net.BlockList();
    list.addSubnet(network, prefix, family);
    return { list, reason };
  });
}

const V4 = compile(IPV4_SPECIAL, 'ipv4');
const V6 = compile(IPV6_SPECIAL, 'ipv6');
const GLOBAL_UNICAST_V6 = compile([{ network: '2000::', prefix: 3, reason: '' }], 'ipv6')[0]!.list;

/** 16 bytes of an IPv6 address (zone ids not accepted), or undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (text.includes('%') || !net.isIPv6(text)) return undefined;
  let head = text;
  const tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    if (!net.isIPv4(maybeV4)) return undefined;
    tailV4.push(...maybeV4.split('.').map(Number));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const words = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

const v4At = (bytes: Uint8Array, offset: number): string => Array.from(bytes.subarray(offset, offset + 4)).join('.');
const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const NAT64_WKP = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
const SIX_TO_FOUR = [0x20, 0x02];

export interface EmbeddedIpv4 {
  ipv4: string;
  /** How the IPv6 address carries it. */
  form: 'IPv4-mapped' | 'NAT64' | '6to4';
}

/** The IPv4 address an IPv6 address stands for (mapped, NAT64 well-known prefix, 6to4), if it is one of those. */
export function embeddedIpv4(ipv6: string): EmbeddedIpv4 | undefined {
  const bytes = ipv6Bytes(ipv6);
  if (!bytes) return undefined;
  if (startsWith(bytes, MAPPED)) return { ipv4: v4At(bytes, 12), form: 'IPv4-mapped' };
  if (startsWith(bytes, NAT64_WKP)) return { ipv4: v4At(bytes, 12), form: 'NAT64' };
  if (startsWith(bytes, SIX_TO_FOUR)) return { ipv4: v4At(bytes, 2), form: '6to4' };
  return undefined;
}

/** Canonical text of an IP address (IPv6 lower case and compressed), or undefined when it is not one. */
export function canonicalIp(ip: string): string | undefined {
  if (net.isIPv4(ip)) return ip;
  return ipv6Bytes(ip) ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : undefined;
}

/**
 * The address packets really go to, for policy decisions: the IPv4 address an IPv6 form carries, else the address
 * itself in canonical text (lower case, IPv6 compressed). Undefined when the text is not an IP address.
 */
export function effectiveAddress(ip: string): string | undefined {
  if (net.isIPv4(ip)) return ip;
  const embedded = embeddedIpv4(ip);
  return embedded ? embedded.ipv4 : canonicalIp(ip);
}

/**
 * Why an address is not public unicast (one phrase for an error message), or undefined when it is.
 * Text that is not an IP address (or carries an IPv6 zone id) is refused too.
 */
export function specialPurpose(ip: string): string | undefined {
  if (net.isIPv4(ip)) return V4.find((r) => r.list.check(ip, 'ipv4'))?.reason;
  if (!ipv6Bytes(ip)) return 'not an IP address';
  const embedded = embeddedIpv4(ip);
  if (embedded) {
    const inner = specialPurpose(embedded.ipv4);
    return inner === undefined ? undefined : `${embedded.form} form of an address that is ${inner}`;
  }
  const special = V6.find((r) => r.list.check(ip, 'ipv6'));
  if (special) return special.reason;
  return GLOBAL_UNICAST_V6.check(ip, 'ipv6') ? undefined : 'outside IPv6 global unicast (2000::/3)';
}

export const isPublicUnicast = (ip: string): boolean => specialPurpose(ip) === undefined;
