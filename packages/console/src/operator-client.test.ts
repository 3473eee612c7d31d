import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createOperatorClient, signInUrl } from './operator-client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const error = (status: number, code: string, message = 'm', issues?: unknown) => json(status, { error: { code, message, issues } });
const ME = {
  label: 'Rita Reviewer',
  actor: 'operator:rita',
  roles: ['auditor'],
  tenants: null,
  csrfToken: 'csrf-1',
  idleExpiresAt: '2026-01-01T00:30:00.000Z',
  expiresAt: '2026-01-01T08:00:00.000Z',
};

describe('createOperatorClient', () => {
  it('asks who is signed in, same-origin with the cookie and never cached', async () => {
    const fetchImpl = vi.fn(async () => json(200, ME));
    expect(await createOperatorClient(fetchImpl).me()).toEqual({ ok: true, value: ME });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/operator/me');
    expect(init).toMatchObject({ method: 'GET', credentials: 'same-origin', cache: 'no-store', referrerPolicy: 'no-referrer' });
  });

  it('signs out with a POST carrying the CSRF header', async () => {
    const fetchImpl = vi.fn(async () => new Response(null, { status: 204 }));
    expect(await createOperatorClient(fetchImpl).signOut('tok')).toEqual({ ok: true, value: undefined });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/auth/operator/sign-out');
    expect(init).toMatchObject({ method: 'POST', headers: { 'X-Vouchsafe-CSRF': 'tok' } });
  });

  it('sends a change as JSON with the CSRF header', async () => {
    const fetchImpl = vi.fn(async () => json(200, { ok: 1 }));
    await createOperatorClient(fetchImpl).call('/api/v1/admin/x', z.object({ ok: z.number() }), {
      method: 'PUT',
      body: { a: 1 },
      csrfToken: 'c',
    });
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(init).toMatchObject({
      method: 'PUT',
      body: '{"a":1}',
      headers: { 'X-Vouchsafe-CSRF': 'c', 'Content-Type': 'application/json' },
    });
  });

  it.each([
    [error(401, 'unauthorized'), { kind: 'signed-out' }],
    [error(403, 'forbidden', 'no role'), { kind: 'forbidden', message: 'no role' }],
    [error(404, 'not_found', 'not configured'), { kind: 'not-found', message: 'not configured' }],
    [error(409, 'conflict', 'name in use'), { kind: 'conflict', message: 'name in use' }],
    [error(422, 'validation_failed', 'bad date'), { kind: 'invalid', message: 'bad date', issues: [] }],
    [
      error(422, 'validation_failed', 'bad', [{ path: 'orgUrl', message: 'must be https' }]),
      { kind: 'invalid', message: 'bad', issues: [{ path: 'orgUrl', message: 'must be https' }] },
    ],
    [error(429, 'rate_limited'), { kind: 'unavailable' }],
    [error(503, 'not_ready'), { kind: 'unavailable' }],
    [error(500, 'internal'), { kind: 'unexpected', status: 500 }],
    [json(200, { not: 'me' }), { kind: 'unexpected', status: 200 }],
  ])('maps %o to a failure', async (response, failure) => {
    expect(await createOperatorClient(async () => response).me()).toEqual({ ok: false, failure });
  });

  it('answers a network error as unavailable', async () => {
    const client = createOperatorClient(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await client.me()).toEqual({ ok: false, failure: { kind: 'unavailable' } });
    expect(await client.signOut('t')).toEqual({ ok: false, failure: { kind: 'unavailable' } });
  });

  it('sends the browser back to the console it came from', () => {
    expect(signInUrl('/admin/')).toBe('/auth/operator/sign-in?return=%2Fadmin%2F');
  });
});
