import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SiemRecord } from '@vouchsafe/contracts';
import { createOutbound, parseOutboundAllow } from '../../../lib/outbound';
import type { OutboundPolicy } from '../../../lib/outbound/url-rules';
import { createHecSink } from './hec.sink';
import { createSyslogSink } from './syslog.sink';
import { createWebhookSink } from './webhook.sink';

/** Every sink goes out through the outbound rules (S12): production refuses private addresses at connect time. */

const PRODUCTION: OutboundPolicy = { isHttpAllowed: false, isAnyAddressAllowed: false, allow: [] };
const record: SiemRecord = {
  kind: 'audit_checkpoint',
  id: '0b0e6a1e-5a1b-4d1e-8f51-2b8e7b0c3d44:7',
  tenantId: '0b0e6a1e-5a1b-4d1e-8f51-2b8e7b0c3d44',
  tenant: 'acme',
  severity: 'low',
  chainIndex: 7,
  hash: 'ab'.repeat(32),
  signedAt: '2026-12-03T05:00:00.000Z',
  kid: 'audit-1',
  jws: 'x.y.z',
};
const signal = () => AbortSignal.timeout(2_000);

describe('SIEM sinks and the outbound guard', () => {
  it('syslog: a name that resolves to a private address is refused before any connection', async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections += 1;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const sink = createSyslogSink({
        host: 'siem.bank.example',
        port,
        isTls: false,
        facility: 13,
        hostname: 'h',
        policy: PRODUCTION,
        resolve: () => Promise.resolve([{ address: '127.0.0.1' }]),
      });
      const result = await sink.send([record], signal());
      expect(result.accepted).toBe(0);
      expect(result.error?.kind).toBe('refused');
      expect(result.error?.message).toMatch(/loopback/);
      expect(result.error?.message).not.toContain('siem.bank.example');
      expect(connections).toBe(0);

      // The operator's allowlist opens exactly that address and port; the receiver reads to the end and closes.
      const allowed = createSyslogSink({
        host: '127.0.0.1',
        port,
        isTls: false,
        facility: 13,
        hostname: 'h',
        policy: { ...PRODUCTION, allow: parseOutboundAllow(`127.0.0.1:${port}`) },
      });
      expect(await allowed.send([record], signal())).toEqual({ accepted: 1 });
    } finally {
      server.close();
    }
  });

  it('HEC and webhook: refused at connect time when the name resolves to a private address', async () => {
    const outbound = createOutbound(PRODUCTION, { resolve: () => Promise.resolve([{ address: '10.1.2.3', family: 4 }]) });
    try {
      const hec = createHecSink({
        url: 'https://splunk.bank.example:8088',
        token: '7f3c0a52-6a7e-4f0c-9d2b-5b0e8d6c1a23',
        hostname: 'h',
        sourcetype: 'vouchsafe:audit',
        isAck: false,
        fetch: outbound.fetch,
      });
      const hook = createWebhookSink({ url: 'https://hooks.bank.example/x', secret: `whsec_${'A'.repeat(43)}=`, fetch: outbound.fetch });
      for (const sink of [hec, hook]) {
        const result = await sink.send([record], signal());
        expect(result).toMatchObject({ accepted: 0, error: { kind: 'refused' } });
        expect(result.error?.message).not.toMatch(/bank\.example|10\.1\.2\.3|Splunk 7f3c/);
      }
    } finally {
      await outbound.close();
    }
  });
});
