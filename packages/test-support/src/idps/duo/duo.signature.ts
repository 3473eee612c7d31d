import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Duo API request signatures (canonicalisation "version 2", HMAC-SHA512), written from Duo's API documentation
 * rather than copied from the SDK, so the stand-in checks what Duo checks:
 *
 *   canon = date \n METHOD \n host-lowercase \n path \n params
 *   params = keys sorted by byte value, each `key=value` URL-encoded (everything except ASCII letters, digits
 *            and `_ . ~ -` percent-encoded with upper-case hex), joined with `&` (GET: the query; POST: the form body)
 *   Authorization: Basic base64(ikey ":" hex(HMAC-SHA512(skey, canon)))
 */

/** Parameter name → values, in the order they arrived. */
export type DuoParams = Map<string, string[]>;

export function percentEncode(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_.~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function canonicalParams(params: DuoParams): string {
  return [...params.keys()]
    .sort(byteCompare)
    .flatMap((key) => (params.get(key) ?? []).map((value) => `${percentEncode(key)}=${percentEncode(value)}`))
    .join('&');
}

export function canonicalRequest(input: { date: string; method: string; host: string; path: string; params: DuoParams }): string {
  return [input.date, input.method.toUpperCase(), input.host.toLowerCase(), input.path, canonicalParams(input.params)].join('\n');
}

export function signRequest(ikey: string, skey: string, canon: string): string {
  const signature = createHmac('sha512', skey).update(canon).digest('hex');
  return `Basic ${Buffer.from(`${ikey}:${signature}`).toString('base64')}`;
}

/** Parses `application/x-www-form-urlencoded` (or a query string) into DuoParams. */
export function parseParams(encoded: string): DuoParams {
  const params: DuoParams = new Map();
  for (const [key, value] of new URLSearchParams(encoded)) {
    const list = params.get(key);
    if (list) list.push(value);
    else params.set(key, [value]);
  }
  return params;
}

/** Duo's 401 answers (HTTP 401, `stat: FAIL`). */
export const DUO_AUTH_ERRORS = {
  missing: { code: 40101, message: 'Missing request credentials', stat: 'FAIL' },
  badIkey: { code: 40102, message: 'Invalid integration key in request credentials', stat: 'FAIL' },
  badSignature: { code: 40103, message: 'Invalid signature in request credentials', stat: 'FAIL' },
} as const;

export type SignatureVerdict =
  { ok: true; ikey: string } | { ok: false; error: (typeof DUO_AUTH_ERRORS)[keyof typeof DUO_AUTH_ERRORS]; why: string };

/** How far the Date header may be from the stand-in's clock. */
const MAX_SKEW_MS = 5 * 60_000;

export function verifySignature(
  request: { authorization: string | undefined; date: string | undefined; method: string; path: string; params: DuoParams },
  apiHost: string,
  secretFor: (ikey: string) => string | undefined,
  now = Date.now(),
): SignatureVerdict {
  if (!request.authorization || !request.date) return { ok: false, error: DUO_AUTH_ERRORS.missing, why: 'no Authorization or Date header' };
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.authorization.trim());
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { ok: false, error: DUO_AUTH_ERRORS.missing, why: 'Authorization is not Basic ikey:signature' };
  const ikey = decoded.slice(0, colon);
  const given = decoded.slice(colon + 1);
  const skey = secretFor(ikey);
  if (skey === undefined) return { ok: false, error: DUO_AUTH_ERRORS.badIkey, why: 'unknown integration key' };
  const sent = Date.parse(request.date);
  // Duo reports a clock far off as bad credentials (UNCONFIRMED which code it uses; 40103 here).
  if (Number.isNaN(sent) || Math.abs(now - sent) > MAX_SKEW_MS)
    return { ok: false, error: DUO_AUTH_ERRORS.badSignature, why: 'Date header missing or too far off' };
  const canon = canonicalRequest({ date: request.date, method: request.method, host: apiHost, path: request.path, params: request.params });
  const expected = createHmac('sha512', skey).update(canon).digest('hex');
  const isEqual = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  return isEqual ? { ok: true, ikey } : { ok: false, error: DUO_AUTH_ERRORS.badSignature, why: 'HMAC-SHA512 does not match' };
}
