import { isIPv4, isIPv6 } from 'node:net';

/**
 * Audit rows keep only a truncated client address: IPv4 to /24, IPv6 to /48.
 * Throttles key on the client *network* (`clientNetwork`), hashed, never stored in clear.
 */
export function truncateIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) {
    const parts = v4.split('.');
    return `${parts[0]}.${parts[1]}.${parts[2]}.0/24`;
  }
  if (isIPv6(ip)) {
    const [head = ''] = ip.split('::');
    const groups = head.split(':').filter(Boolean);
    while (groups.length < 3) groups.push('0');
    return `${groups.slice(0, 3).join(':')}::/48`;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, a dotted IPv4 tail folded in); undefined if not IPv6. */
export function ipv6Groups(ip: string): number[] | undefined {
  const address = ip.split('%')[0]!;
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<number>(zeros).fill(0), ...right];
  return groups.length === 8 ? groups : undefined;
}

/**
 * The network a client is throttled by (S9): an IPv4 address on its own (/32), an IPv6 address's /64 (one subscriber's
 * LAN: rotating through it must not buy a fresh budget). IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack
 * socket reports for IPv4 clients) counts as the IPv4 address. `unknown` when there is no address.
 */
export function clientNetwork(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (isIPv4(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return 'unknown';
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
