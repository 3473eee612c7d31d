import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { generateAuditKey } from '../audit/checkpoints-keys';

/** SIEM settings: off by default, secrets required with their URLs and never echoed, outbound rules at start-up (S12). */

const BASE = {
  DATABASE_URL: 'postgres://u:p@db.example:5432/v',
  VOUCHSAFE_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  VOUCHSAFE_AUDIT_SIGNING_KEY: generateAuditKey('audit1').signingKey,
};
const PRODUCTION = {
  ...BASE,
  NODE_ENV: 'production',
  VOUCHSAFE_PUBLIC_URL: 'https://vouchsafe.bank.example',
  VOUCHSAFE_AUDIT_CHECKPOINT_DIR: '/var/lib/vouchsafe/audit-checkpoints',
};
const HEC_TOKEN = '7f3c0a52-6a7e-4f0c-9d2b-5b0e8d6c1a23';
const WHSEC = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

const problem = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe('SIEM settings', () => {
  it('every sink is off by default', () => {
    const c = loadConfig(BASE);
    expect([c.siemSyslogUrl, c.siemHecUrl, c.siemWebhookUrl]).toEqual([undefined, undefined, undefined]);
    expect(c.siemSyslogFacility).toBe('audit');
  });

  it('all three at once, in production, over TLS and https', () => {
    const c = loadConfig({
      ...PRODUCTION,
      VOUCHSAFE_SIEM_SYSLOG_URL: 'tls://siem.bank.example:6514',
      VOUCHSAFE_SIEM_HEC_URL: 'https://splunk.bank.example:8088',
      VOUCHSAFE_SIEM_HEC_TOKEN: HEC_TOKEN,
      VOUCHSAFE_SIEM_WEBHOOK_URL: 'https://hooks.bank.example/vouchsafe',
      VOUCHSAFE_SIEM_WEBHOOK_SECRET: WHSEC,
    });
    expect(c.siemSyslogUrl).toBe('tls://siem.bank.example:6514');
    expect(c.siemHecToken).toBe(HEC_TOKEN);
  });

  it('a URL without its secret is refused; a malformed secret is refused without being echoed', () => {
    expect(problem({ ...BASE, VOUCHSAFE_SIEM_HEC_URL: 'https://splunk.bank.example:8088' })).toMatch(
      /VOUCHSAFE_SIEM_HEC_TOKEN is required/,
    );
    expect(problem({ ...BASE, VOUCHSAFE_SIEM_WEBHOOK_URL: 'https://hooks.bank.example/x' })).toMatch(/VOUCHSAFE_SIEM_WEBHOOK_SECRET/);
    const bad = 'not a token but a secret-ish value!';
    const message = problem({ ...BASE, VOUCHSAFE_SIEM_HEC_URL: 'https://splunk.bank.example:8088', VOUCHSAFE_SIEM_HEC_TOKEN: bad });
    expect(message).toMatch(/VOUCHSAFE_SIEM_HEC_TOKEN/);
    expect(message).not.toContain(bad);
    const secret = 'whsec_short';
    expect(
      problem({ ...BASE, VOUCHSAFE_SIEM_WEBHOOK_URL: 'https://h.bank.example/x', VOUCHSAFE_SIEM_WEBHOOK_SECRET: secret }),
    ).not.toContain(secret);
  });

  it('production refuses private addresses, plain http and plain tcp syslog (S12)', () => {
    expect(
      problem({ ...PRODUCTION, VOUCHSAFE_SIEM_WEBHOOK_URL: 'https://127.0.0.1:8443/hook', VOUCHSAFE_SIEM_WEBHOOK_SECRET: WHSEC }),
    ).toMatch(/VOUCHSAFE_SIEM_WEBHOOK_URL leads to an address that is loopback/);
    expect(
      problem({ ...PRODUCTION, VOUCHSAFE_SIEM_HEC_URL: 'http://splunk.bank.example:8088', VOUCHSAFE_SIEM_HEC_TOKEN: HEC_TOKEN }),
    ).toMatch(/VOUCHSAFE_SIEM_HEC_URL must be an https URL/);
    expect(problem({ ...PRODUCTION, VOUCHSAFE_SIEM_SYSLOG_URL: 'tcp://siem.bank.example:514' })).toMatch(/must use tls:\/\//);
    expect(problem({ ...PRODUCTION, VOUCHSAFE_SIEM_SYSLOG_URL: 'tls://10.0.0.5:6514' })).toMatch(/private \(10.0.0.0\/8\)/);
    expect(problem({ ...PRODUCTION, VOUCHSAFE_SIEM_SYSLOG_URL: 'tls://siem.internal:6514' })).toMatch(/local network/);
    // The operator's allowlist opens a private collector.
    expect(
      problem({ ...PRODUCTION, VOUCHSAFE_SIEM_SYSLOG_URL: 'tls://10.0.0.5:6514', VOUCHSAFE_OUTBOUND_ALLOW: '10.0.0.5:6514' }),
    ).toBeUndefined();
  });

  it('syslog URLs are scheme, host and port only', () => {
    for (const url of ['udp://siem.bank.example:514', 'tls://siem.bank.example', 'tls://siem.bank.example:6514/x', 'siem:514']) {
      expect(problem({ ...BASE, VOUCHSAFE_SIEM_SYSLOG_URL: url })).toMatch(/VOUCHSAFE_SIEM_SYSLOG_URL must look like/);
    }
  });
});
