import { describe, expect, it, vi } from 'vitest';
import { createRevealApi } from './reveal-api';

const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const metadata = {
  id: ID,
  status: 'available',
  kind: 'text',
  expiresAt: '2030-01-01T00:00:00.000Z',
  viewsLeft: 1,
  needsPassphrase: false,
};

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}
const errorBody = (code: string, extra: object = {}) => ({ error: { code, message: 'x', ...extra } });

describe('createRevealApi', () => {
  it('GETs metadata same-origin with no-store, no credentials and a JSON content type', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, metadata));
    const result = await createRevealApi(fetchImpl).getMetadata(ID);
    expect(result).toEqual({ ok: true, value: metadata });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/api/v1/secrets/${ID}`);
    expect(init).toMatchObject({ method: 'GET', cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it("talks to a help-desk tenant's prefix when the link names one", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, metadata));
    await createRevealApi(fetchImpl, '', 'acme-zendesk').getMetadata(ID);
    await createRevealApi(fetchImpl, '', 'acme-zendesk').reveal(ID, { keyCheck: 'k' });
    const urls = fetchImpl.mock.calls.map((c) => (c as unknown as [string])[0]);
    expect(urls).toEqual([`/api/v1/t/acme-zendesk/secrets/${ID}`, `/api/v1/t/acme-zendesk/secrets/${ID}/reveal`]);
  });

  it('POSTs the checks (and nothing else) to /reveal', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { id: ID, kind: 'text', ciphertext: 'AQ', viewsLeft: 0 }));
    const result = await createRevealApi(fetchImpl).reveal(ID, { keyCheck: 'k', passphraseCheck: 'p' });
    expect(result.ok).toBe(true);
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/api/v1/secrets/${ID}/reveal`);
    expect(init).toMatchObject({ method: 'POST', cache: 'no-store', credentials: 'omit' });
    expect(JSON.parse(init.body as string)).toEqual({ keyCheck: 'k', passphraseCheck: 'p' });
  });

  it.each([
    [404, errorBody('not_found'), { kind: 'gone' }],
    [410, errorBody('secret_gone'), { kind: 'gone' }],
    [410, errorBody('secret_withdrawn', { withdrawnReason: 'ticket_closed' }), { kind: 'withdrawn', reason: 'ticket_closed' }],
    [410, errorBody('secret_withdrawn', { withdrawnReason: 'something_else' }), { kind: 'gone' }],
    [404, 'not json', { kind: 'gone' }],
    [403, errorBody('wrong_link_key'), { kind: 'wrong-key' }],
    [403, errorBody('wrong_passphrase'), { kind: 'wrong-passphrase' }],
    [403, errorBody('passphrase_required'), { kind: 'passphrase-required' }],
    [403, errorBody('unauthorized'), { kind: 'unexpected', status: 403 }],
    [429, errorBody('too_many_attempts', { retryAfterSeconds: 90 }), { kind: 'throttled', retryAfterSeconds: 90 }],
    [429, errorBody('too_many_attempts'), { kind: 'throttled' }],
    [503, errorBody('not_ready'), { kind: 'unreachable' }],
    [500, errorBody('internal'), { kind: 'unexpected', status: 500 }],
  ])('maps %i %j to %j', async (status, body, failure) => {
    const api = createRevealApi(async () => jsonResponse(status, body));
    expect(await api.reveal(ID, { keyCheck: 'k' })).toEqual({ ok: false, failure });
  });

  it('reads Retry-After when the body has no retry time', async () => {
    const api = createRevealApi(async () => jsonResponse(429, errorBody('rate_limited'), { 'Retry-After': '30' }));
    expect(await api.reveal(ID, { keyCheck: 'k' })).toEqual({
      ok: false,
      failure: { kind: 'throttled', retryAfterSeconds: 30 },
    });
  });

  it('treats a network error as unreachable and a malformed 200 as unexpected', async () => {
    const down = createRevealApi(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await down.getMetadata(ID)).toEqual({ ok: false, failure: { kind: 'unreachable' } });
    const odd = createRevealApi(async () => jsonResponse(200, { id: ID }));
    expect(await odd.getMetadata(ID)).toEqual({ ok: false, failure: { kind: 'unexpected', status: 200 } });
  });

  it('starts a recipient verification with the method and the key check, and accepts only an http(s) URL back', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { url: 'https://login.example/authorize?x=1' }));
    const api = createRevealApi(fetchImpl, '', 'acme');
    expect(await api.startVerification(ID, 'oidc', 'k'.repeat(43))).toEqual({
      ok: true,
      value: { url: 'https://login.example/authorize?x=1' },
    });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/api/v1/t/acme/secrets/${ID}/verify`);
    expect(init).toMatchObject({ method: 'POST', body: JSON.stringify({ method: 'oidc', keyCheck: 'k'.repeat(43) }), credentials: 'omit' });

    const evil = createRevealApi(async () => jsonResponse(200, { url: 'javascript:alert(1)' }));
    expect(await evil.startVerification(ID, 'duo_universal', 'k'.repeat(43))).toEqual({
      ok: false,
      failure: { kind: 'unexpected', status: 200 },
    });
  });

  it('maps verification_required to its own failure and reads needsVerification metadata', async () => {
    const refused = createRevealApi(async () => jsonResponse(403, errorBody('verification_required')));
    expect(await refused.reveal(ID, { keyCheck: 'k', grant: 'g'.repeat(43) })).toEqual({
      ok: false,
      failure: { kind: 'verification-required' },
    });
    const withVerify = { ...metadata, needsVerification: true, verifyMethods: ['oidc', 'duo_universal'] };
    expect(await createRevealApi(async () => jsonResponse(200, withVerify)).getMetadata(ID)).toEqual({ ok: true, value: withVerify });
    const odd = { ...metadata, needsVerification: true, verifyMethods: ['sms'] };
    expect((await createRevealApi(async () => jsonResponse(200, odd)).getMetadata(ID)).ok).toBe(false);
  });
});
