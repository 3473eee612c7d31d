import net from 'node:net';
import { canonicalIp, embeddedIpv4, specialPurpose } from './address';
import { isAllowlisted, type AllowEntry } from './allowlist';

/**
 * Where Vouchsafe may connect (DESIGN S12). Registration runs `urlProblem` on every URL an admin gives (and on every
 * endpoint a discovery document names); connect time runs `addressProblem` on every address the name resolves to.
 * Messages are phrases that follow the field name in a 422 ("issuer must be an https URL"); they never quote the URL.
 */

export interface OutboundPolicy {
  /** Plain http accepted: VOUCHSAFE_ALLOW_INSECURE_HELPDESKS (development and tests; refused in production). */
  isHttpAllowed: boolean;
  /** Any host and address accepted (stand-ins on localhost): the same development and test flag. */
  isAnyAddressAllowed: boolean;
  /** VOUCHSAFE_OUTBOUND_ALLOW: non-public destinations the platform operator allows. */
  allow: readonly AllowEntry[];
}

/** The one mapping from configuration to policy: the development flag opens both, the operator's list opens addresses. */
export function outboundPolicy(config: { allowInsecureHelpdesks: boolean; outboundAllow: readonly AllowEntry[] }): OutboundPolicy {
  return { isHttpAllowed: config.allowInsecureHelpdesks, isAnyAddressAllowed: config.allowInsecureHelpdesks, allow: config.outboundAllow };
}

const INSECURE_FLAG = 'VOUCHSAFE_ALLOW_INSECURE_HELPDESKS';
const OPERATOR_LIST = 'VOUCHSAFE_OUTBOUND_ALLOW';

export const defaultPort = (protocol: string): number => (protocol === 'http:' ? 80 : 443);

/** Why this address may not be connected to on this port under the policy, or undefined. */
export function addressProblem(ip: string, port: number, policy: OutboundPolicy): string | undefined {
  if (policy.isAnyAddressAllowed) return undefined;
  const special = specialPurpose(ip);
  if (special === undefined || isAllowlisted(policy.allow, ip, port)) return undefined;
  return `leads to an address that is ${special}, which Vouchsafe does not connect to unless the platform operator lists it in ${OPERATOR_LIST}`;
}

/** Names that only ever mean something inside one machine or one local network. */
export function hostNameProblem(hostname: string): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'names localhost';
  if (/\.(local|internal|localdomain|home\.arpa)$/.test(name) || ['local', 'internal', 'home.arpa'].includes(name)) {
    return 'names a host that exists only on a local network (.local, .internal, .home.arpa)';
  }
  if (!name.includes('.')) return 'must name a fully qualified host (like example.com), not a single label';
  return undefined;
}

/** The host exactly as written in the URL text (before the WHATWG parser normalises numbers and IPv6). */
function writtenHost(raw: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:[/\\]*([^/\\?#]*)/i.exec(raw.trim())?.[1];
  if (authority === undefined) return undefined;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

/** An IP literal host: unusual spellings and IPv6 forms that carry IPv4 are refused before the address is judged. */
function literalProblem(raw: string, url: URL, policy: OutboundPolicy): string | undefined {
  const isV6 = url.hostname.startsWith('[');
  const ip = isV6 ? url.hostname.slice(1, -1) : url.hostname;
  if (!net.isIP(ip)) return undefined;
  if (policy.isAnyAddressAllowed) return undefined;
  // 0x7f.1, 2130706433, 017700000001, 127.1, 127.0.0.1. and [::ffff:127.0.0.1] all parse; nobody means them honestly.
  if (writtenHost(raw)?.toLowerCase() !== url.hostname)
    return 'writes its IP address in an unusual form: write it plainly (like 192.0.2.10 or [2001:db8::10])';
  if (isV6 && embeddedIpv4(ip)) return 'names an IPv6 address that carries an IPv4 address: write the IPv4 address itself';
  return addressProblem(canonicalIp(ip) ?? ip, Number(url.port) || defaultPort(url.protocol), policy);
}

/** Why Vouchsafe may not be pointed at this URL, or undefined. Syntax and literal addresses only: no DNS here. */
export function urlProblem(raw: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.isHttpAllowed)) {
    return url.protocol === 'http:'
      ? `must be an https URL (plain http only with ${INSECURE_FLAG}, in development and tests)`
      : 'must be an https URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.href.includes('#')) return 'must not contain a #fragment';
  const literal = literalProblem(raw, url, policy);
  if (literal !== undefined || net.isIP(url.hostname.replace(/^\[|\]$/g, ''))) return literal;
  return policy.isAnyAddressAllowed ? undefined : hostNameProblem(url.hostname);
}
