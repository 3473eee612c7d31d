import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_CSRF_HEADER, OPERATOR_PATHS } from '@vouchsafe/contracts';
import { startOidcPeer, type NextLogin, type OidcPeer } from '@vouchsafe/test-support/idps';
import type { OperatorSettings } from '../src/modules/operators/operator-settings';
import { SCOPED_TOKENS, api, startTestApp, testToken, type TestApp } from './harness';

/**
 * Operator sign-in (modules/operators) against a real oidc-provider over HTTP, on a real database: the code flow with
 * PKCE and nonce, roles from a nested claim (Keycloak's `realm_access.roles`), the session cookie, CSRF on sign-out,
 * the audit rows and metrics, and `/api/v1/audit` taking an auditor token OR an operator with the auditor role.
 */

let t: TestApp;
let restricted: TestApp;
let peer: OidcPeer;

const RITA = 'rita.reviewer@bank.example';
const ADAM = 'adam.admin@bank.example';
const NORA = 'nora.norole@bank.example';

function settings(extra: Partial<OperatorSettings> = {}): OperatorSettings {
  return {
    issuer: peer.issuer,
    clientId: peer.clients.basic.clientId,
    clientSecret: peer.clients.basic.clientSecret!,
    scopes: ['openid', 'profile'],
    rolesClaim: 'realm_access.roles',
    roleValues: { auditor: ['vouchsafe-auditor'], admin: ['vouchsafe-admin'], policy_approver: [] },
    tenants: null,
    isSecure: false,
    ...extra,
  };
}

beforeAll(async () => {
  peer = await startOidcPeer({
    accounts: [
      { email: RITA, name: 'Rita Reviewer', claims: { realm_access: { roles: ['vouchsafe-auditor', 'offline_access'] } } },
      { email: ADAM, name: 'Adam Admin', claims: { realm_access: { roles: ['vouchsafe-admin'] } } },
      // An IdP that puts the email in `name`: the label must still be masked.
      { email: NORA, name: NORA },
    ],
  });
  t = await startTestApp({ config: { operators: settings() } });
  restricted = await t.another({ config: { operators: settings({ tenants: ['acme-zendesk'] }) } });
  for (const app of [t, restricted]) peer.allowRedirectUri(`${app.url}${OPERATOR_PATHS.callback}`);
  for (const slug of ['acme-zendesk', 'acme-servicenow']) {
    await sql`INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), ${slug}, ${slug})`.execute(t.db);
  }
}, 60_000);
afterAll(async () => {
  await restricted?.close();
  await t?.close();
  await peer?.close();
});

/** `name=value` of a Set-Cookie the response carries, with its attributes. */
function setCookie(res: Response, name: string): { pair: string; attributes: string } | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair = '', ...rest] = line.split(';');
  return { pair: pair.trim(), attributes: rest.join(';') };
}

interface SignInOutcome {
  start: Response;
  callback: Response;
  /** `vouchsafe-operator=<token>` when a session was made. */
  session?: string;
}

/** A browser: start the sign-in, complete the peer's login form as `email`, come back to the callback with the cookie. */
async function signIn(email: string, opts: { app?: TestApp; login?: NextLogin; query?: (q: Record<string, string>) => void } = {}) {
  const app = opts.app ?? t;
  const start = await fetch(`${app.url}${OPERATOR_PATHS.signIn}?return=/review/`, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const pending = setCookie(start, 'vouchsafe-operator-sign-in');
  if (opts.login) peer.setNextLogin(opts.login);
  const query = await peer.signIn(start.headers.get('location')!, { email });
  opts.query?.(query);
  const back = new URL(`${app.url}${OPERATOR_PATHS.callback}`);
  for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
  const callback = await fetch(back, { redirect: 'manual', headers: pending ? { cookie: pending.pair } : {} });
  const outcome: SignInOutcome = { start, callback };
  const session = setCookie(callback, 'vouchsafe-operator');
  if (session && !/Max-Age=0/.test(session.attributes)) outcome.session = session.pair;
  return outcome;
}

const me = (cookie: string, app = t) => api(app.url, 'GET', OPERATOR_PATHS.me, undefined, { cookie });

async function operatorEvents(): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const { rows } = await sql<{ type: string; data: Record<string, unknown> }>`
    SELECT type, data FROM audit_events WHERE type LIKE 'operator.%' ORDER BY seq`.execute(t.db);
  return rows;
}

async function metric(name: string, labels: string): Promise<number> {
  const text = (await api(t.url, 'GET', '/metrics', undefined, { authorization: `Bearer ${SCOPED_TOKENS.metrics}` })).json as string;
  return Number(new RegExp(`${name}\\{${labels}\\} (\\d+)`).exec(text)?.[1] ?? 'NaN');
}

describe('sign-in', () => {
  it('runs the code flow with PKCE S256 and a nonce, and signs an auditor in with a cookie-held session', async () => {
    const before = await metric('vouchsafe_operator_sign_ins_total', 'outcome="signed_in",reason=""');
    const { start, callback, session } = await signIn(RITA);
    const auth = new URL(start.headers.get('location')!);
    expect(auth.origin + auth.pathname).toBe(`${peer.issuer}/auth`);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('redirect_uri')).toBe(`${t.url}${OPERATOR_PATHS.callback}`);
    // The sign-in cookie holds state, nonce and verifier encrypted: none of them is readable in it.
    const pending = setCookie(start, 'vouchsafe-operator-sign-in')!;
    expect(pending.attributes).toMatch(/HttpOnly/);
    expect(pending.attributes).toMatch(/SameSite=Lax/);
    expect(pending.pair).not.toContain(auth.searchParams.get('state'));

    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/review/');
    expect(session).toBeDefined();
    const attributes = setCookie(callback, 'vouchsafe-operator')!.attributes;
    expect(attributes).toMatch(/HttpOnly/);
    expect(attributes).toMatch(/SameSite=Lax/);
    expect(attributes).toMatch(/Path=\//);
    expect(attributes).toMatch(/Max-Age=1800/);
    expect(attributes).not.toMatch(/Secure/); // plain http in development; see operators-production.test.ts
    // The one-time sign-in cookie is cleared by the callback.
    expect(setCookie(callback, 'vouchsafe-operator-sign-in')?.attributes).toMatch(/Max-Age=0/);

    const who = await me(session!);
    expect(who.status).toBe(200);
    expect(who.json).toMatchObject({ label: 'Rita Reviewer', roles: ['auditor'], tenants: null });
    expect(who.json.actor).toMatch(/^operator:acct-[0-9a-f]{20}$/);
    expect(who.json.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(who.json.expiresAt) - Date.parse(who.json.idleExpiresAt)).toBeGreaterThan(7 * 3600 * 1000);

    const events = await operatorEvents();
    expect(events.at(-1)).toMatchObject({
      type: 'operator.signed_in',
      data: { actor: who.json.actor, label: 'Rita Reviewer', roles: ['auditor'] },
    });
    expect(await metric('vouchsafe_operator_sign_ins_total', 'outcome="signed_in",reason=""')).toBe(before + 1);
  });

  it('refuses a person whose claim carries no configured role: no session, audited with a masked label', async () => {
    const { callback, session } = await signIn(NORA);
    expect(callback.status).toBe(403);
    expect(await callback.text()).toContain('no Vouchsafe role');
    expect(session).toBeUndefined();
    const refused = (await operatorEvents()).at(-1)!;
    expect(refused).toMatchObject({ type: 'operator.sign_in_refused', data: { reason: 'no_role' } });
    expect(refused.data.label).toBe('n***@b***.example');
    expect(await metric('vouchsafe_operator_sign_ins_total', 'outcome="refused",reason="no_role"')).toBeGreaterThanOrEqual(1);
  });

  it('refuses an answer whose state is not the one this browser started (audited), and one without the sign-in cookie', async () => {
    const mismatch = await signIn(RITA, { query: (q) => (q.state = `${q.state!.slice(0, -2)}xx`) });
    expect(mismatch.callback.status).toBe(403);
    expect(mismatch.session).toBeUndefined();
    expect((await operatorEvents()).at(-1)).toMatchObject({ type: 'operator.sign_in_refused', data: { reason: 'state_mismatch' } });

    // A callback URL replayed in another browser (no sign-in cookie) signs nobody in.
    const start = await fetch(`${t.url}${OPERATOR_PATHS.signIn}`, { redirect: 'manual' });
    const query = await peer.signIn(start.headers.get('location')!, { email: RITA });
    const back = new URL(`${t.url}${OPERATOR_PATHS.callback}`);
    for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
    const replay = await fetch(back, { redirect: 'manual' });
    expect(replay.status).toBe(403);
    expect(setCookie(replay, 'vouchsafe-operator')).toBeUndefined();
    expect((await operatorEvents()).at(-1)).toMatchObject({ type: 'operator.sign_in_refused', data: { reason: 'no_sign_in' } });
  });

  it('refuses an id_token whose nonce is not the one sent, and one for another audience', async () => {
    peer.tamperNextIdToken((c) => ({ ...c, nonce: 'not-the-nonce-we-sent-aaaaaaaaaaaaaaaaaaaaaaa' }));
    const nonce = await signIn(RITA);
    expect(nonce.callback.status).toBe(403);
    expect(nonce.session).toBeUndefined();
    expect((await operatorEvents()).at(-1)).toMatchObject({ data: { reason: 'nonce_mismatch' } });

    peer.tamperNextIdToken((c) => ({ ...c, aud: 'someone-else' }));
    const audience = await signIn(RITA);
    expect(audience.session).toBeUndefined();
    expect((await operatorEvents()).at(-1)).toMatchObject({ data: { reason: 'bad_token' } });
  });

  it('records a refusal at the IdP as idp_denied', async () => {
    const denied = await signIn(RITA, { login: { deny: true } });
    expect(denied.callback.status).toBe(403);
    expect((await operatorEvents()).at(-1)).toMatchObject({ data: { reason: 'idp_denied' } });
  });

  it('keeps tokens, codes, states and unmasked emails out of audit rows and logs', async () => {
    const rows = JSON.stringify(await operatorEvents());
    const logs = t.logs.join('\n');
    for (const text of [rows, logs]) {
      for (const email of [RITA, ADAM, NORA]) expect(text).not.toContain(email);
      expect(text).not.toMatch(/vouchsafe-operator=|code_verifier|client_secret/);
      expect(text).not.toContain(peer.clients.basic.clientSecret!);
    }
  });
});

describe('session', () => {
  it('signs out only with the CSRF token, audits it, and clears the cookie', async () => {
    const { session } = await signIn(RITA);
    const { csrfToken, actor } = (await me(session!)).json as { csrfToken: string; actor: string };
    const forged = await fetch(`${t.url}${OPERATOR_PATHS.signOut}`, { method: 'POST', headers: { cookie: session! } });
    expect(forged.status).toBe(403);
    expect(setCookie(forged, 'vouchsafe-operator')).toBeUndefined();
    const wrong = await fetch(`${t.url}${OPERATOR_PATHS.signOut}`, {
      method: 'POST',
      headers: { cookie: session!, [OPERATOR_CSRF_HEADER]: `${csrfToken.slice(0, -1)}A` },
    });
    expect(wrong.status).toBe(403);
    expect((await me(session!)).status).toBe(200);

    const out = await fetch(`${t.url}${OPERATOR_PATHS.signOut}`, {
      method: 'POST',
      headers: { cookie: session!, [OPERATOR_CSRF_HEADER]: csrfToken },
    });
    expect(out.status).toBe(204);
    expect(setCookie(out, 'vouchsafe-operator')?.attributes).toMatch(/Max-Age=0/);
    expect((await operatorEvents()).at(-1)).toMatchObject({ type: 'operator.signed_out', data: { actor } });
  });

  it('answers 401 without a session, and for a forged or altered cookie', async () => {
    expect((await api(t.url, 'GET', OPERATOR_PATHS.me)).status).toBe(401);
    const { session } = await signIn(RITA);
    const [name, value] = session!.split('=') as [string, string];
    const flipped = `${value.slice(0, 60)}${value[60] === 'A' ? 'B' : 'A'}${value.slice(61)}`;
    expect((await me(`${name}=${flipped}`)).status).toBe(401);
    expect((await me(`${name}=${value}x`)).status).toBe(401);
    // Another deployment's keyring cannot make a cookie this one accepts.
    const other = await startTestApp({ config: { operators: settings() } });
    try {
      peer.allowRedirectUri(`${other.url}${OPERATOR_PATHS.callback}`);
      const foreign = await signIn(RITA, { app: other });
      expect((await me(foreign.session!, t)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('/api/v1/audit: an auditor token or an operator with the auditor role', () => {
  const tenants = '/api/v1/audit/tenants';
  // A request that passes the guard reaches the reviewer API itself (modules/review), which answers it.
  const passed = (res: { status: number; json: any }) => res.status === 200;

  it('admits an auditor token and an operator with the auditor role; refuses everyone else', async () => {
    expect(passed(await api(t.url, 'GET', tenants, undefined, { authorization: `Bearer ${SCOPED_TOKENS.auditor}` }))).toBe(true);
    const rita = (await signIn(RITA)).session!;
    expect(passed(await api(t.url, 'GET', tenants, undefined, { cookie: rita }))).toBe(true);

    expect((await api(t.url, 'GET', tenants)).status).toBe(401);
    expect((await api(t.url, 'GET', tenants, undefined, { authorization: `Bearer ${SCOPED_TOKENS.secrets}` })).status).toBe(403);
    const adam = (await signIn(ADAM)).session!;
    const admin = await api(t.url, 'GET', tenants, undefined, { cookie: adam });
    expect(admin.status).toBe(403);
    expect(admin.json.error.message).toContain('"auditor" role');
  });

  it('judges a request with a bearer token by the token alone (a session cookie never rescues a bad token)', async () => {
    const rita = (await signIn(RITA)).session!;
    const res = await api(t.url, 'GET', tenants, undefined, { cookie: rita, authorization: `Bearer ${testToken('nobody')}` });
    expect(res.status).toBe(401);
  });

  it('answers 404 for a tenant outside VOUCHSAFE_OPERATOR_TENANTS, as for one that does not exist', async () => {
    const rita = (await signIn(RITA, { app: restricted })).session!;
    expect((await me(rita, restricted)).json.tenants).toEqual(['acme-zendesk']);
    const other = await api(restricted.url, 'GET', '/api/v1/audit/t/acme-servicenow/events', undefined, { cookie: rita });
    expect(other.status).toBe(404);
    expect(other.json.error.message).toBe('There is no such tenant.');
    const encoded = await api(restricted.url, 'GET', '/api/v1/audit/t/acme%2Dservicenow/events', undefined, { cookie: rita });
    expect(encoded.json.error.message).toBe('There is no such tenant.');
    expect(passed(await api(restricted.url, 'GET', '/api/v1/audit/t/acme-zendesk/events', undefined, { cookie: rita }))).toBe(true);
    // The tenant list shows a restricted operator only the tenants it may review.
    const listed = await api(restricted.url, 'GET', tenants, undefined, { cookie: rita });
    expect(listed.json.map((x: { slug: string }) => x.slug)).toEqual(['acme-zendesk']);
    // An auditor token is not an operator: the operator restriction does not apply to it.
    const token = { authorization: `Bearer ${SCOPED_TOKENS.auditor}` };
    expect(passed(await api(restricted.url, 'GET', '/api/v1/audit/t/acme-servicenow/events', undefined, token))).toBe(true);
  });
});
