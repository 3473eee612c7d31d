import { createHash, createHmac } from 'node:crypto';
import { DESK_WEBHOOK_HEADERS, DESK_WEBHOOK_WINDOW_SECONDS } from '@vouchsafe/contracts';
import { sameText } from './webhook-secrets';

/**
 * Each desk's webhook signature, checked over the raw body (sources in NOTES.md). Pure: no logging, no database.
 * - Zendesk: `x-zendesk-webhook-signature` = base64(HMAC-SHA256(secret, timestamp + body)), the timestamp in
 *   `x-zendesk-webhook-signature-timestamp` (ISO 8601, e.g. 2021-03-25T05:09:27Z).
 * - Jira (admin webhook registered with a secret): `x-hub-signature: sha256=<hex HMAC-SHA256(secret, body)>`. No
 *   signed header timestamp: the body's own `timestamp` (ms) is checked after parsing (receiver).
 * - ServiceNow (no built-in signing; our business rule computes it): `x-vouchsafe-signature` =
 *   base64(HMAC-SHA256(secret, timestamp + "." + body)), `x-vouchsafe-timestamp` = Unix seconds.
 */

export type SignatureRefusal = 'missing_signature' | 'bad_signature' | 'stale';
export type SignatureVerdict = { ok: true; signedAt: Date | null } | { ok: false; reason: SignatureRefusal };

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined;
};

const hmac = (secret: Buffer, ...parts: (string | Buffer)[]) => {
  const mac = createHmac('sha256', secret);
  for (const p of parts) mac.update(p);
  return mac.digest();
};

/** Within the window either side of `now` (clocks drift; a desk's retry keeps its first timestamp only if it says so). */
export function isFresh(signedAt: Date, now: Date, windowSeconds = DESK_WEBHOOK_WINDOW_SECONDS): boolean {
  return Number.isFinite(signedAt.getTime()) && Math.abs(now.getTime() - signedAt.getTime()) <= windowSeconds * 1000;
}

export function verifyZendesk(secret: Buffer, h: Headers, raw: Buffer, now: Date): SignatureVerdict {
  const signature = header(h, DESK_WEBHOOK_HEADERS.zendeskSignature);
  const timestamp = header(h, DESK_WEBHOOK_HEADERS.zendeskTimestamp);
  if (!signature || !timestamp) return { ok: false, reason: 'missing_signature' };
  const expected = hmac(secret, timestamp, raw).toString('base64');
  if (!sameText(expected, signature)) return { ok: false, reason: 'bad_signature' };
  const signedAt = new Date(timestamp);
  return isFresh(signedAt, now) ? { ok: true, signedAt } : { ok: false, reason: 'stale' };
}

export function verifyJira(secret: Buffer, h: Headers, raw: Buffer): SignatureVerdict {
  const signature = header(h, DESK_WEBHOOK_HEADERS.jiraSignature);
  if (!signature) return { ok: false, reason: 'missing_signature' };
  const expected = `sha256=${hmac(secret, raw).toString('hex')}`;
  return sameText(expected, signature) ? { ok: true, signedAt: null } : { ok: false, reason: 'bad_signature' };
}

export function verifyServiceNow(secret: Buffer, h: Headers, raw: Buffer, now: Date): SignatureVerdict {
  const signature = header(h, DESK_WEBHOOK_HEADERS.servicenowSignature);
  const timestamp = header(h, DESK_WEBHOOK_HEADERS.servicenowTimestamp);
  if (!signature || !timestamp || !/^\d{9,11}$/.test(timestamp)) return { ok: false, reason: 'missing_signature' };
  const expected = hmac(secret, timestamp, '.', raw).toString('base64');
  if (!sameText(expected, signature)) return { ok: false, reason: 'bad_signature' };
  const signedAt = new Date(Number(timestamp) * 1000);
  return isFresh(signedAt, now) ? { ok: true, signedAt } : { ok: false, reason: 'stale' };
}

/** A stand-in for unknown tenants, so an unknown slug costs the same HMAC as a known one (no timing oracle). */
export const UNKNOWN_TENANT_SECRET = Buffer.alloc(32, 0x5a);

/** The replay key of a delivery whose body carries no event id: a digest of exactly what was signed. */
export const signedDigest = (timestamp: string, raw: Buffer): string =>
  `sha256:${createHash('sha256').update(timestamp).update('\n').update(raw).digest('hex')}`;
