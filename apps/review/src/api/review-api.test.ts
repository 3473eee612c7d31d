import { describe, expect, it, vi } from 'vitest';
import { SIGNED_IN } from '../testing/memory-review-api';
import { createReviewApi, searchParams } from './review-api';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const error = (status: number, code: string, message = 'm') => json(status, { error: { code, message } });

describe('createReviewApi', () => {
  it('asks who is signed in, same-origin with the cookie and never cached', async () => {
    const fetchImpl = vi.fn(async () => json(200, SIGNED_IN));
    expect(await createReviewApi(fetchImpl).me()).toEqual({ ok: true, value: SIGNED_IN });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/operator/me');
    expect(init).toMatchObject({ credentials: 'same-origin', cache: 'no-store', referrerPolicy: 'no-referrer' });
  });

  it('signs out with a POST carrying the CSRF header', async () => {
    const fetchImpl = vi.fn(async () => new Response(null, { status: 204 }));
    expect(await createReviewApi(fetchImpl).signOut('tok')).toEqual({ ok: true, value: undefined });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/auth/operator/sign-out');
    expect(init).toMatchObject({ method: 'POST', headers: { 'X-Vouchsafe-CSRF': 'tok' } });
  });

  it('searches a tenant with only the fields given, and reads timelines by ticket', async () => {
    const fetchImpl = vi.fn(async () => json(200, { items: [], nextCursor: null }));
    const api = createReviewApi(fetchImpl);
    await api.search('acme zendesk', { ticket: '101', agent: '', flag: 'override' });
    expect((fetchImpl.mock.calls[0] as unknown as [string])[0]).toBe('/api/v1/audit/t/acme%20zendesk/events?ticket=101&flag=override');
    fetchImpl.mockImplementationOnce(async () => json(200, { tenant: 't', ticketId: '1/2', entries: [] }));
    await api.timeline('t', '1/2');
    expect((fetchImpl.mock.calls[1] as unknown as [string])[0]).toBe('/api/v1/audit/t/t/tickets/1%2F2/timeline');
  });

  it.each([
    [error(401, 'unauthorized'), { kind: 'signed-out' }],
    [error(403, 'forbidden', 'no role'), { kind: 'forbidden', message: 'no role' }],
    [error(404, 'not_found', 'not configured'), { kind: 'not-found', message: 'not configured' }],
    [error(422, 'validation_failed', 'bad date'), { kind: 'invalid', message: 'bad date' }],
    [error(429, 'rate_limited'), { kind: 'unavailable' }],
    [error(503, 'not_ready'), { kind: 'unavailable' }],
    [error(500, 'internal'), { kind: 'unexpected', status: 500 }],
    [json(200, { not: 'a tenant list' }), { kind: 'unexpected', status: 200 }],
  ])('maps %o to a failure', async (response, failure) => {
    expect(await createReviewApi(async () => response).tenants()).toEqual({ ok: false, failure });
  });

  it('answers a network error as unavailable', async () => {
    const api = createReviewApi(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await api.me()).toEqual({ ok: false, failure: { kind: 'unavailable' } });
    expect(await api.signOut('t')).toEqual({ ok: false, failure: { kind: 'unavailable' } });
  });
});

describe('searchParams', () => {
  it('leaves out empty fields', () => {
    expect(searchParams({ ticket: '', agent: undefined, outcome: 'denied', limit: 50 }).toString()).toBe('outcome=denied&limit=50');
  });
});
