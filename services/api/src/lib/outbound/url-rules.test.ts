import { describe, expect, it } from 'vitest';
import { isAllowlisted, parseOutboundAllow } from './allowlist';
import { addressProblem, hostNameProblem, outboundPolicy, urlProblem, type OutboundPolicy } from './url-rules';

const STRICT: OutboundPolicy = outboundPolicy({ allowInsecureHelpdesks: false, outboundAllow: [] });
const DEV: OutboundPolicy = outboundPolicy({ allowInsecureHelpdesks: true, outboundAllow: [] });

/** Loopback, private, link-local and metadata destinations in every spelling the WHATWG parser accepts. */
const BAD_URLS: ReadonlyArray<[string, RegExp]> = [
  ['http://acme.okta.com', /must be an https URL .*VOUCHSAFE_ALLOW_INSECURE_HELPDESKS/],
  ['ftp://acme.okta.com', /must be an https URL/],
  ['file:///etc/passwd', /must be an https URL/],
  ['not a url', /absolute URL/],
  ['https://user:pass@acme.okta.com', /user name or password/],
  ['https://user@acme.okta.com', /user name or password/],
  ['https://acme.okta.com/#frag', /fragment/],
  ['https://acme.okta.com/#', /fragment/],
  ['https://127.0.0.1', /loopback/],
  ['https://127.0.0.1:8443/x', /loopback/],
  ['https://127.1', /unusual form/],
  ['https://0x7f000001', /unusual form/],
  ['https://0x7f.1', /unusual form/],
  ['https://2130706433', /unusual form/],
  ['https://017700000001', /unusual form/],
  ['https://0177.0.0.1', /unusual form/],
  ['https://127.0.0.1.', /unusual form/],
  ['https://%31%32%37.0.0.1', /unusual form/],
  ['https://0', /unusual form/],
  ['https://0.0.0.0', /this network/],
  ['https://10.0.0.5', /private/],
  ['https://172.20.1.1', /private/],
  ['https://192.168.0.10', /private/],
  ['https://100.64.1.1', /carrier-grade/],
  ['https://169.254.169.254/latest/meta-data', /link-local/],
  ['https://0xa9fea9fe', /unusual form/],
  ['https://224.0.0.1', /multicast/],
  ['https://255.255.255.255', /broadcast/],
  ['https://[::1]', /loopback/],
  ['https://[0:0:0:0:0:0:0:1]:8443', /unusual form/],
  ['https://[::]', /unspecified/],
  ['https://[::ffff:7f00:1]', /carries an IPv4 address/],
  ['https://[::ffff:127.0.0.1]', /unusual form/],
  ['https://[::ffff:a9fe:a9fe]', /carries an IPv4 address/],
  ['https://[::ffff:808:808]', /carries an IPv4 address/],
  ['https://[64:ff9b::7f00:1]', /carries an IPv4 address/],
  ['https://[2002:7f00:1::1]', /carries an IPv4 address/],
  ['https://[::7f00:1]', /IPv4-compatible/],
  ['https://[fc00::1]', /unique-local/],
  ['https://[fd00:ec2::254]', /unique-local/],
  ['https://[fe80::1]', /link-local/],
  ['https://[fec0::1]', /site-local/],
  ['https://[ff02::1]', /multicast/],
  ['https://[2001::1]', /Teredo/],
  ['https://[2001:db8::1]', /documentation/],
  ['https://[100::1]', /discard/],
  ['https://localhost', /localhost/],
  ['https://LOCALHOST.', /localhost/],
  ['https://ｌｏｃａｌｈｏｓｔ', /localhost/],
  ['https://api.localhost:8443', /localhost/],
  ['https://printer.local', /local network/],
  ['https://metadata.google.internal', /local network/],
  ['https://router.home.arpa', /local network/],
  ['https://intranet', /single label/],
  ['https://intranet.:443', /single label/],
];

const GOOD_URLS: readonly string[] = [
  'https://acme.okta.com',
  'https://login.microsoftonline.com/6f1c2a4e-0000-4000-8000-0000000e47a1/v2.0',
  'https://acme.zendesk.com/api/v2?x=1',
  'https://8.8.8.8',
  'https://8.8.8.8:8443/jwks',
  'https://[2606:4700:4700::1111]/',
  'HTTPS://Acme.Okta.com',
];

describe('urlProblem (registration, strict policy)', () => {
  it.each(BAD_URLS)('refuses %s', (url, phrase) => {
    expect(urlProblem(url, STRICT)).toMatch(phrase);
  });

  it.each(GOOD_URLS)('accepts %s', (url) => {
    expect(urlProblem(url, STRICT)).toBeUndefined();
  });

  it('never quotes the URL in its phrase', () => {
    for (const [url] of BAD_URLS)
      expect(urlProblem(url, STRICT)).not.toMatch(/:\/\/|okta|meta-data|metadata\.google|printer|intranet|a9fe/i);
  });
});

describe('development flag', () => {
  it('accepts plain http and loopback stand-ins, but still no credentials, fragments or other schemes', () => {
    for (const url of ['http://127.0.0.1:4711', 'http://localhost:4711/zendesk', 'https://[::1]:8443', 'http://0x7f000001:80']) {
      expect(urlProblem(url, DEV), url).toBeUndefined();
    }
    expect(urlProblem('http://u:p@127.0.0.1', DEV)).toMatch(/user name/);
    expect(urlProblem('http://127.0.0.1/#x', DEV)).toMatch(/fragment/);
    expect(urlProblem('gopher://127.0.0.1', DEV)).toMatch(/https/);
    expect(addressProblem('169.254.169.254', 80, DEV)).toBeUndefined();
  });
});

describe('operator allowlist', () => {
  const allow = parseOutboundAllow('10.20.0.0/16, 127.0.0.1:8443 [fd12::7]:9443\n192.168.5.5 fd00:1::/32');
  const policy: OutboundPolicy = { ...STRICT, allow };

  it('parses networks, single addresses and address:port entries', () => {
    expect(allow.map((e) => e.kind)).toEqual(['network', 'endpoint', 'endpoint', 'network', 'network']);
    expect(allow[1]).toMatchObject({ address: '127.0.0.1', port: 8443 });
    expect(allow[3]).toMatchObject({ network: '192.168.5.5', prefix: 32 });
  });

  it('matches a network on any port, an endpoint on its port only, whatever the IPv6 spelling of the address', () => {
    expect(isAllowlisted(allow, '10.20.3.4', 443)).toBe(true);
    expect(isAllowlisted(allow, '10.20.3.4', 1)).toBe(true);
    expect(isAllowlisted(allow, '10.21.0.1', 443)).toBe(false);
    expect(isAllowlisted(allow, '::ffff:10.20.3.4', 443)).toBe(true);
    expect(isAllowlisted(allow, '127.0.0.1', 8443)).toBe(true);
    expect(isAllowlisted(allow, '::ffff:7f00:1', 8443)).toBe(true);
    expect(isAllowlisted(allow, '127.0.0.1', 8444)).toBe(false);
    expect(isAllowlisted(allow, '127.0.0.2', 8443)).toBe(false);
    expect(isAllowlisted(allow, 'fd12:0::7', 9443)).toBe(true);
    expect(isAllowlisted(allow, 'fd12::7', 443)).toBe(false);
    expect(isAllowlisted(allow, '192.168.5.5', 1234)).toBe(true);
    expect(isAllowlisted(allow, '192.168.5.6', 1234)).toBe(false);
    expect(isAllowlisted(allow, 'fd00:1:abcd::1', 443)).toBe(true);
    expect(isAllowlisted(allow, 'fd00:2::1', 443)).toBe(false);
  });

  it('opens exactly those destinations at registration and at connect time', () => {
    expect(urlProblem('https://127.0.0.1:8443/zendesk', policy)).toBeUndefined();
    expect(urlProblem('https://127.0.0.1:8444/zendesk', policy)).toMatch(/loopback/);
    expect(urlProblem('https://127.0.0.1/zendesk', policy)).toMatch(/loopback/);
    expect(urlProblem('https://10.20.9.9', policy)).toBeUndefined();
    expect(urlProblem('https://10.30.9.9', policy)).toMatch(/private/);
    // The allowlist opens addresses, not unusual spellings, names or plain http.
    expect(urlProblem('https://0x7f000001:8443', policy)).toMatch(/unusual form/);
    expect(urlProblem('https://[::ffff:7f00:1]:8443', policy)).toMatch(/carries an IPv4/);
    expect(urlProblem('https://localhost:8443', policy)).toMatch(/localhost/);
    expect(urlProblem('http://127.0.0.1:8443', policy)).toMatch(/https/);
    expect(addressProblem('127.0.0.1', 8443, policy)).toBeUndefined();
    expect(addressProblem('::ffff:127.0.0.1', 8443, policy)).toBeUndefined();
    expect(addressProblem('127.0.0.1', 443, policy)).toMatch(/loopback/);
  });

  it.each([
    ['0.0.0.0/0', /prefix length/],
    ['::/0', /prefix length/],
    ['10.1.2.3/16', /bits set after the prefix/],
    ['10.0.0.0/33', /prefix length/],
    ['169.254.0.0/16', /cloud metadata/],
    ['169.254.169.254', /cloud metadata/],
    ['169.254.169.254:80', /cloud metadata/],
    ['[::ffff:169.254.169.254]:80', /cloud metadata/],
    ['fd00::/8', /cloud metadata/],
    ['100.64.0.0/10', /cloud metadata/],
    ['10.0.0.1:0', /port/],
    ['10.0.0.1:70000', /port/],
    ['intranet.bank.example', /is not a network/],
    ['010.0.0.1', /is not a network/],
    ['127.1:8443', /is not a network/],
  ])('refuses the entry %s at start-up', (entry, message) => {
    expect(() => parseOutboundAllow(entry)).toThrow(message);
    expect(() => parseOutboundAllow(entry)).toThrow(/^VOUCHSAFE_OUTBOUND_ALLOW entry/);
  });

  it('treats an empty list as no exceptions', () => {
    expect(parseOutboundAllow(' , ')).toEqual([]);
  });
});

describe('hostNameProblem', () => {
  it('refuses local-only names and accepts real ones', () => {
    expect(hostNameProblem('localhost')).toMatch(/localhost/);
    expect(hostNameProblem('x.internal.')).toMatch(/local network/);
    expect(hostNameProblem('acme.okta.com.')).toBeUndefined();
    expect(hostNameProblem('internal.bank.com')).toBeUndefined();
  });
});
