import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientNetwork, ipv6Groups } from './client-ip';

describe('clientNetwork', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::198.51.100.1', '64:ff9b:0:0::/64'],
    [undefined, 'unknown'],
    ['not an address', 'unknown'],
  ])('%s -> %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  it('gives every address of one /64 the same network, and other /64s another', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.array(group, { minLength: 4, maxLength: 4 }), (a, host) => {
        fc.pre(a[0] !== 0); // keep clear of ::ffff:0:0/96 (IPv4-mapped)
        const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
        const same = [...a.slice(0, 4), ...host];
        expect(clientNetwork(hex(a))).toBe(clientNetwork(hex(same)));
        const other = [...a];
        other[3] = (other[3]! + 1) & 0xffff;
        expect(clientNetwork(hex(a))).not.toBe(clientNetwork(hex(other)));
      }),
    );
  });

  it('expands compressed forms to the same eight groups', () => {
    expect(ipv6Groups('2001:db8::ff00:42:8329')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]);
    expect(ipv6Groups('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('1.2.3.4')).toBeUndefined();
  });
});
