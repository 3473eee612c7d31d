import { describe, expect, it } from 'vitest';
import type { SiemEventRecord } from '@vouchsafe/contracts';
import { asciiJson, formatSyslog, frame } from './syslog-format';

const event: SiemEventRecord = {
  kind: 'audit_event',
  id: '6f1c2f8e-2a55-4b71-9a57-1d1f0e0c9a11',
  tenantId: '0b0e6a1e-5a1b-4d1e-8f51-2b8e7b0c3d44',
  tenant: 'acme "bank"]',
  type: 'verification.denied',
  severity: 'high',
  secretId: null,
  occurredAt: '2026-12-03T05:00:00.123Z',
  data: { agent: 'Zoë A.', isFraudSuspected: true },
  chainIndex: 42,
  prevHash: '00'.repeat(32),
  hash: 'ab'.repeat(32),
};

describe('RFC 5424 formatting', () => {
  it('PRI from facility and severity, version 1, event time, MSGID = type, SD with the id, JSON message', () => {
    const line = formatSyslog(event, { facility: 13, hostname: 'api-1' });
    // 13 × 8 + 2 (Critical) = 106
    expect(line.startsWith('<106>1 2026-12-03T05:00:00.123Z api-1 vouchsafe - verification.denied [vouchsafe@32473 ')).toBe(true);
    expect(line).toContain('id="6f1c2f8e-2a55-4b71-9a57-1d1f0e0c9a11"');
    // SD-PARAM escaping of " \ ]
    expect(line).toContain('tenant="acme \\"bank\\"\\]"');
    expect(line).toContain('severity="high"');
    const msg = line.slice(line.indexOf('] {') + 2);
    expect(JSON.parse(msg)).toEqual(event);
    // Plain ASCII: no BOM needed, and non-ASCII is escaped.
    expect(/^[\x20-\x7e]*$/.test(line)).toBe(true);
    expect(msg).toContain('Zo\\u00eb');
  });

  it('header fields stay PRINTUSASCII and bounded', () => {
    const line = formatSyslog({ ...event, type: `x.${'y'.repeat(60)} z` }, { facility: 16, hostname: 'host with spaces' });
    const [, , host, app, procid, msgid] = line.split(' ');
    expect(host).toBe('hostwithspaces');
    expect(app).toBe('vouchsafe');
    expect(procid).toBe('-');
    expect(msgid!.length).toBe(32);
  });

  it('octet counting counts bytes, not characters', () => {
    expect(frame('ab€').toString('utf8')).toBe('5 ab€');
    expect(asciiJson({ a: '\u2028' })).toBe('{"a":"\\u2028"}');
  });
});
