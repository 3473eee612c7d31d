import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_PATHS } from '@vouchsafe/contracts';
import { startApi, testCa, type ApiProcess } from '@vouchsafe/test-support';
import { startOidcPeer, type OidcPeer } from '@vouchsafe/test-support/idps';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { api } from './harness';

/**
 * Operator sign-in in an API process with NODE_ENV=production: the IdP over https (a throwaway CA the process trusts,
 * an operator allowlist naming exactly its address:port), cookies Secure with the `__Host-` prefix, the callback at
 * the public https URL, and a reviewer admitted to /api/v1/audit with the cookie alone.
 */

const PUBLIC_URL = 'https://vouchsafe.example';
let database: FreshDatabase;
let peer: OidcPeer;
let app: ApiProcess;

beforeAll(async () => {
  [database, peer] = await Promise.all([
    freshDatabase(),
    startOidcPeer({
      tls: true,
      accounts: [{ email: 'rita.reviewer@bank.example', name: 'Rita Reviewer', claims: { roles: ['vouchsafe-auditor'] } }],
    }),
  ]);
  peer.allowRedirectUri(`${PUBLIC_URL}${OPERATOR_PATHS.callback}`);
  app = await startApi({
    databaseUrl: database.url,
    env: {
      NODE_ENV: 'production',
      VOUCHSAFE_PUBLIC_URL: PUBLIC_URL,
      VOUCHSAFE_OUTBOUND_ALLOW: `127.0.0.1:${new URL(peer.url).port}`,
      NODE_EXTRA_CA_CERTS: testCa().certFile,
      VOUCHSAFE_OPERATOR_ISSUER: peer.issuer,
      VOUCHSAFE_OPERATOR_CLIENT_ID: peer.clients.post.clientId,
      VOUCHSAFE_OPERATOR_CLIENT_SECRET: peer.clients.post.clientSecret!,
      VOUCHSAFE_OPERATOR_ROLE_AUDITOR: 'vouchsafe-auditor',
    },
  });
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await peer?.close();
  await database?.drop();
});

const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

describe('operator sign-in with NODE_ENV=production', () => {
  it('signs a reviewer in over https with __Host- Secure cookies and admits the session to /api/v1/audit', async () => {
    const start = await fetch(`${app.url}${OPERATOR_PATHS.signIn}`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    const location = new URL(start.headers.get('location')!);
    expect(location.protocol).toBe('https:');
    expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}${OPERATOR_PATHS.callback}`);
    const pending = setCookie(start, '__Host-vouchsafe-operator-sign-in')!;
    expect(pending).toMatch(/; Secure/);
    expect(pending).toMatch(/Path=\//);
    expect(pending).not.toMatch(/Domain=/i);

    const query = await peer.signIn(location.href, { email: 'rita.reviewer@bank.example' });
    const back = new URL(`${app.url}${OPERATOR_PATHS.callback}`);
    for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
    const callback = await fetch(back, { redirect: 'manual', headers: { cookie: pending.split(';')[0]! } });
    expect(callback.status, await callback.clone().text()).toBe(303);
    const session = setCookie(callback, '__Host-vouchsafe-operator')!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/SameSite=Lax/);

    const cookie = session.split(';')[0]!;
    const me = await api(app.url, 'GET', OPERATOR_PATHS.me, undefined, { cookie });
    expect(me.json).toMatchObject({ label: 'Rita Reviewer', roles: ['auditor'] });
    // The cookie's plain-http name is not accepted: only the __Host- one.
    expect((await api(app.url, 'GET', OPERATOR_PATHS.me, undefined, { cookie: cookie.replace('__Host-', '') })).status).toBe(401);
    // Past the guard: the reviewer routes answer (or, before they are merged, the API's 404 for an unknown endpoint).
    expect((await api(app.url, 'GET', '/api/v1/audit/tenants', undefined, { cookie })).status).not.toBe(401);
    expect(app.logs()).not.toContain(peer.clients.post.clientSecret!);
  });
});
