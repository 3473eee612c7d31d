import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyJira, verifyServiceNow, verifyZendesk } from './signatures';

const secret = Buffer.from('a-webhook-signing-secret');
const body = Buffer.from('{"id":"01J","type":"zen:event-type:ticket.comment_added"}');
const now = new Date('2026-12-03T20:00:00Z');
const mac = (...parts: string[]) => parts.reduce((h, p) => h.update(p), createHmac('sha256', secret)).digest();

describe('desk webhook signatures', () => {
  it('Zendesk: base64 HMAC-SHA256 over timestamp + body, with a 5-minute window', () => {
    const ts = '2026-12-03T19:58:00Z';
    const headers = {
      'x-zendesk-webhook-signature': mac(ts, body.toString()).toString('base64'),
      'x-zendesk-webhook-signature-timestamp': ts,
    };
    expect(verifyZendesk(secret, headers, body, now)).toEqual({ ok: true, signedAt: new Date(ts) });
    expect(verifyZendesk(secret, headers, Buffer.from(`${body.toString()} `), now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyZendesk(secret, headers, body, new Date('2026-12-03T20:04:00Z'))).toEqual({ ok: false, reason: 'stale' });
    expect(verifyZendesk(secret, { 'x-zendesk-webhook-signature-timestamp': ts }, body, now)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('Jira: X-Hub-Signature sha256=<hex> over the body', () => {
    const good = { 'x-hub-signature': `sha256=${mac(body.toString()).toString('hex')}` };
    expect(verifyJira(secret, good, body)).toEqual({ ok: true, signedAt: null });
    expect(verifyJira(secret, { 'x-hub-signature': mac(body.toString()).toString('hex') }, body)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('ServiceNow: base64 HMAC-SHA256 over ts + "." + body, Unix seconds', () => {
    const ts = String(now.getTime() / 1000 - 30);
    const headers = { 'x-vouchsafe-timestamp': ts, 'x-vouchsafe-signature': mac(ts, '.', body.toString()).toString('base64') };
    expect(verifyServiceNow(secret, headers, body, now).ok).toBe(true);
    expect(verifyServiceNow(Buffer.from('another-secret'), headers, body, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
