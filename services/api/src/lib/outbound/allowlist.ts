import net from 'node:net';
import { canonicalIp, effectiveAddress, ipv6Bytes } from './address';

/**
 * VOUCHSAFE_OUTBOUND_ALLOW: the platform operator's list of non-public destinations Vouchsafe may connect to (a
 * bank's ServiceNow, ADFS or proxy on a private network). Entries are separated by commas or white space:
 *   10.20.0.0/16  fd12:3456::/48   a network, any port
 *   10.20.30.40   fd12:3456::7     one address, any port
 *   10.20.30.40:8443  [fd12:3456::7]:8443   one address and port
 * Set in the environment only: no API call can change it. Cloud metadata addresses can never be allowed.
 */

export type AllowEntry =
  | { kind: 'network'; family: 4 | 6; network: string; prefix: number; text: string }
  | { kind: 'endpoint'; address: string; port: number; text: string };

/** Addresses that hand out cloud credentials (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba): never allowlisted. */
const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'];

function bytesOf(ip: string): Uint8Array {
  return net.isIPv4(ip) ? Uint8Array.from(ip.split('.').map(Number)) : ipv6Bytes(ip)!;
}

function hasHostBits(ip: string, prefix: number): boolean {
  return bytesOf(ip).some((byte, i) => {
    const kept = Math.max(0, Math.min(8, prefix - i * 8));
    return (byte & (0xff >> kept)) !== 0;
  });
}

function networkOf(text: string, address: string, prefix: number): AllowEntry {
  const family = net.isIPv4(address) ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > max) throw new Error(`"${text}": the prefix length must be 1–${max}`);
  const list = new net.BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  // Host bits set (10.1.2.3/16) usually means a typo: ask for the network address.
  if (hasHostBits(address, prefix)) throw new Error(`"${text}" has bits set after the prefix: write the network address`);
  const covered = METADATA_ADDRESSES.find((m) => list.check(m, net.isIPv4(m) ? 'ipv4' : 'ipv6'));
  if (covered) throw new Error(`"${text}" covers the cloud metadata address ${covered}, which can never be allowed`);
  return { kind: 'network', family, network: canonicalIp(address)!, prefix, text };
}

function parseEntry(text: string): AllowEntry {
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const address = cidr[1]!;
    if (!canonicalIp(address)) throw new Error(`"${text}" is not a network like 10.20.0.0/16`);
    return networkOf(text, address, Number(cidr[2]));
  }
  const endpoint = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text);
  if (endpoint) {
    const address = effectiveAddress(endpoint[1] ?? endpoint[2]!);
    const port = Number(endpoint[3]);
    if (!address) throw new Error(`"${text}" is not an address:port like 10.20.30.40:8443 or [fd12::7]:8443`);
    if (port < 1 || port > 65535) throw new Error(`"${text}": the port must be 1–65535`);
    if (METADATA_ADDRESSES.includes(address)) throw new Error(`"${text}" is a cloud metadata address, which can never be allowed`);
    return { kind: 'endpoint', address, port, text };
  }
  const single = canonicalIp(text);
  if (single) return networkOf(text, text, net.isIPv4(text) ? 32 : 128);
  throw new Error(`"${text.slice(0, 60)}" is not a network (10.20.0.0/16), an address (10.20.30.40) or an address:port (10.20.30.40:8443)`);
}

/** Parses the operator's list; throws an Error naming the first bad entry. Empty or blank means no exceptions. */
export function parseOutboundAllow(value: string): AllowEntry[] {
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((text) => {
      try {
        return parseEntry(text);
      } catch (err) {
        throw new Error(`VOUCHSAFE_OUTBOUND_ALLOW entry ${(err as Error).message}`);
      }
    });
}

/** Whether the operator allowed this address (compared by where packets go: ::ffff:10.0.0.5 is 10.0.0.5) and port. */
export function isAllowlisted(entries: readonly AllowEntry[], ip: string, port: number): boolean {
  const address = effectiveAddress(ip);
  if (address === undefined) return false;
  const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
  return entries.some((entry) => {
    if (entry.kind === 'endpoint') return entry.address === address && entry.port === port;
    if ((entry.family === 4) !== (family === 'ipv4')) return false;
    const list = new net.BlockList();
    list.addSubnet(entry.network, entry.prefix, family);
    return list.check(address, family);
  });
}
