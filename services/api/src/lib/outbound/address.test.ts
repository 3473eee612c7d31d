import { describe, expect, it } from 'vitest';
import { effectiveAddress, embeddedIpv4, ipv6Bytes, specialPurpose } from './address';

/** Every IANA special-purpose range, each with an address inside it, plus its edges. */
const REFUSED: ReadonlyArray<[string, RegExp]> = [
  // IPv4
  ['0.0.0.0', /this network/],
  ['0.255.255.255', /this network/],
  ['10.0.0.1', /private/],
  ['10.255.255.255', /private/],
  ['100.64.0.1', /carrier-grade/],
  ['100.127.255.255', /carrier-grade/],
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['169.254.169.254', /link-local/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.0.0.8', /IETF/],
  ['192.0.2.1', /documentation/],
  ['192.88.99.1', /6to4 relay/],
  ['192.168.1.1', /private/],
  ['198.18.0.1', /benchmarking/],
  ['198.19.255.255', /benchmarking/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.9', /documentation/],
  ['224.0.0.1', /multicast/],
  ['239.255.255.255', /multicast/],
  ['240.0.0.1', /reserved/],
  ['255.255.255.255', /broadcast/],
  // IPv6
  ['::', /unspecified/],
  ['::1', /loopback/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['::7f00:1', /IPv4-compatible/],
  ['::127.0.0.1', /IPv4-compatible/],
  ['::8.8.8.8', /IPv4-compatible/],
  ['::ffff:127.0.0.1', /IPv4-mapped form of an address that is loopback/],
  ['::ffff:7f00:1', /IPv4-mapped form of an address that is loopback/],
  ['0:0:0:0:0:ffff:a9fe:a9fe', /IPv4-mapped form of an address that is link-local/],
  ['::ffff:10.1.2.3', /IPv4-mapped .* private/],
  ['64:ff9b::7f00:1', /NAT64 form of an address that is loopback/],
  ['64:ff9b::10.0.0.1', /NAT64 .* private/],
  ['64:ff9b:1::808:808', /local-use NAT64/],
  ['100::1', /discard/],
  ['2001::1', /Teredo/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
  ['2001:2::1', /IETF protocol/],
  ['2001:1ff::1', /IETF protocol/],
  ['2001:db8::1', /documentation/],
  ['2002:7f00:1::1', /6to4 form of an address that is loopback/],
  ['2002:c0a8:101::1', /6to4 .* private/],
  ['3fff::1', /documentation/],
  ['5f00::1', /segment routing/],
  ['fc00::1', /unique-local/],
  ['fd12:3456:789a::1', /unique-local/],
  ['fe80::1', /link-local/],
  ['febf:ffff::1', /link-local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast/],
  ['ff0e::1', /multicast/],
  ['4000::1', /outside IPv6 global unicast/],
  ['::2', /IPv4-compatible/],
  // Not addresses at all, and zones
  ['fe80::1%eth0', /not an IP address/],
  ['localhost', /not an IP address/],
  ['127.1', /not an IP address/],
  ['0x7f000001', /not an IP address/],
];

const PUBLIC: readonly string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.255',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:82a::200e',
  '2001:200::1',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
];

describe('specialPurpose', () => {
  it.each(REFUSED)('refuses %s', (ip, reason) => {
    expect(specialPurpose(ip)).toMatch(reason);
  });

  it.each(PUBLIC)('lets public unicast %s through', (ip) => {
    expect(specialPurpose(ip)).toBeUndefined();
  });
});

describe('IPv4 carried in IPv6', () => {
  it('unwraps mapped, NAT64 and 6to4 forms and leaves the rest alone', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toEqual({ ipv4: '127.0.0.1', form: 'IPv4-mapped' });
    expect(embeddedIpv4('64:ff9b::a00:1')).toEqual({ ipv4: '10.0.0.1', form: 'NAT64' });
    expect(embeddedIpv4('2002:a9fe:a9fe::')).toEqual({ ipv4: '169.254.169.254', form: '6to4' });
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
    expect(effectiveAddress('::FFFF:10.0.0.5')).toBe('10.0.0.5');
    expect(effectiveAddress('FD12:0:0::7')).toBe('fd12::7');
    expect(effectiveAddress('nope')).toBeUndefined();
  });

  it('parses every IPv6 spelling to the same bytes', () => {
    const expected = Array.from(ipv6Bytes('0:0:0:0:0:ffff:7f00:1')!);
    for (const spelling of ['::ffff:7f00:1', '::ffff:127.0.0.1', '0::ffff:127.0.0.1', '::FFFF:7F00:0001']) {
      expect(Array.from(ipv6Bytes(spelling)!), spelling).toEqual(expected);
    }
    expect(ipv6Bytes('1::2::3')).toBeUndefined();
    expect(ipv6Bytes('::ffff:999.0.0.1')).toBeUndefined();
  });
});
