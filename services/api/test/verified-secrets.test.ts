import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startOidcPeer, type OidcPeer } from '@vouchsafe/test-support/idps';
import { createRequesterKeyring } from '../src/lib/requester-key';
import { createTenantKeys } from '../src/modules/keys/tenant-keys';
import { createRecipientVerification } from '../src/modules/secrets/recipient-verification.service';
import { grantHashOf } from '../src/modules/secrets/reveal-grant';
import { api, revealBody } from './harness';
import { auth, openSidebar, send, startSidebarWorld, SLUGS, type Agent, type Sent, type SidebarWorld } from './sidebar-support';

/**
 * Verified-requester-only secrets: the reveal statement itself refuses content without a matching,
 * unexpired, unused reveal grant, and a grant is only issued for the ticket's requester.
 */

let w: SidebarWorld;
let tenantId: string;
let requesterEmail: string;
let agent: Agent;

const slug = SLUGS.zendesk;
const base = () => `/api/v1/t/${slug}/secrets`;

beforeAll(async () => {
  w = await startSidebarWorld();
  // A link-based method for the Zendesk tenant (the issuer is never called by these tests).
  const put = await api(
    w.t.url,
    'PUT',
    `/api/v1/admin/tenants/${slug}/idp/oidc`,
    {
      kind: 'oidc',
      issuer: 'http://127.0.0.1:9/issuer',
      clientId: 'vouchsafe-test',
      clientSecret: 'not-a-real-secret',
    },
    auth,
  );
  expect(put.status).toBe(204);
  tenantId = (await w.t.db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
  const ticket = w.desks.state.zendesk.tickets[0]!;
  requesterEmail = w.desks.state.person('zendesk', ticket.requesterId)!.email!;
  agent = await openSidebar(w, 'zendesk');
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** The hook the verification callback calls, driven directly (the IdP round trip is tested elsewhere). */
const recipients = () =>
  createRecipientVerification({
    db: w.t.db,
    requesterOf: () => Promise.resolve(undefined),
    keysOf: () => Promise.resolve([]),
    linkMethods: () => Promise.resolve(['oidc']),
    startRecipient: () => Promise.reject(new Error('not used')),
  });

/** The customer's key as the app computes it (same tenant key, read from the database). */
const keyOf = async (email: string) =>
  (await createRequesterKeyring(w.t.keyring, createTenantKeys(w.t.db, w.t.keyring)).keysFor(tenantId, { email }))!.primary;

async function grantFor(s: Sent, email = requesterEmail): Promise<string | undefined> {
  const granted = await recipients().onVerified({
    tenantId,
    tenantSlug: slug,
    secretId: s.id,
    verificationId: crypto.randomUUID(),
    requesterKey: await keyOf(email),
  });
  if (!granted) return undefined;
  const url = new URL(granted.location, 'http://portal.test');
  expect(url.pathname).toBe(`/t/${slug}/s/${s.id}`);
  return url.searchParams.get('grant') ?? undefined;
}

async function revealWith(s: Sent, grant?: string) {
  return api(w.t.url, 'POST', `${base()}/${s.id}/reveal`, { ...(await revealBody(s.linkKey)), ...(grant ? { grant } : {}) });
}

const viewsLeft = async (s: Sent) => (await api(w.t.url, 'GET', `${base()}/${s.id}`)).json?.viewsLeft as number | undefined;

describe('sending a verified-requester-only secret from the sidebar', () => {
  it('stores the flag and the requester key (an HMAC, never the email), and the metadata says how to verify', async () => {
    const s = await send(w, agent, { kind: 'text', text: 'only for Dana' }, { requiresVerification: true });
    const row = await w.t.db
      .selectFrom('secrets as s')
      .innerJoin('ticket_secrets as t', (j) => j.onRef('t.secret_id', '=', 's.id'))
      .select(['s.requires_verification', 't.requester_key'])
      .where('s.id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row.requires_verification).toBe(true);
    expect(row.requester_key?.equals(await keyOf(requesterEmail))).toBe(true);
    expect(row.requester_key?.toString('latin1')).not.toContain(requesterEmail);

    const meta = await api(w.t.url, 'GET', `${base()}/${s.id}`);
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({ needsVerification: true, verifyMethods: ['oidc'] });
  });

  it('an ordinary secret says it needs no verification', async () => {
    const s = await send(w, agent);
    expect((await api(w.t.url, 'GET', `${base()}/${s.id}`)).json).toMatchObject({ needsVerification: false, verifyMethods: [] });
  });

  it('is refused (422, nothing stored) when the tenant offers no link-based method', async () => {
    const jira = await openSidebar(w, 'jira');
    const before = await w.t.db
      .selectFrom('secrets')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    await expect(send(w, jira, undefined, { requiresVerification: true })).rejects.toThrow(/422.*requiresVerification/);
    const after = await w.t.db
      .selectFrom('secrets')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('the public vault create refuses the sidebar-only field', async () => {
    const res = await api(
      w.t.url,
      'POST',
      '/api/v1/secrets',
      { kind: 'text', ciphertext: 'AAAA', keyCheck: 'a'.repeat(43), requiresVerification: true },
      auth,
    );
    expect(res.status).toBe(422);
  });
});

describe('revealing a verified-requester-only secret', () => {
  const sendVerifiedOnly = (views = 1) => send(w, agent, { kind: 'text', text: 'only for Dana' }, { requiresVerification: true, views });

  it('without a grant: 403 verification_required, and nothing is consumed', async () => {
    const s = await sendVerifiedOnly();
    const res = await revealWith(s);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('verification_required');
    expect(res.json.error.message).toMatch(/Only the ticket's requester may open this secret/);
    expect(await viewsLeft(s)).toBe(1);
    const revealed = await w.t.db
      .selectFrom('audit_events')
      .select('id')
      .where('secret_id', '=', s.id)
      .where('type', '=', 'secret.revealed')
      .execute();
    expect(revealed).toHaveLength(0);
  });

  it('with a made-up grant: refused the same way', async () => {
    const s = await sendVerifiedOnly();
    const res = await revealWith(s, Buffer.alloc(32, 7).toString('base64url'));
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('verification_required');
    expect(await viewsLeft(s)).toBe(1);
  });

  it('a grant issued for another secret does not open this one (and stays usable for its own)', async () => {
    const mine = await sendVerifiedOnly();
    const other = await sendVerifiedOnly();
    const grant = await grantFor(other);
    expect(grant).toBeDefined();
    const res = await revealWith(mine, grant);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('verification_required');
    expect(await viewsLeft(mine)).toBe(1);
    expect((await revealWith(other, grant)).status).toBe(200);
  });

  it('the wrong person gets no grant: nothing is written', async () => {
    const s = await sendVerifiedOnly();
    expect(await grantFor(s, 'mallory@attacker.test')).toBeUndefined();
    const grants = await w.t.db.selectFrom('reveal_grants').select('grant_hash').where('secret_id', '=', s.id).execute();
    expect(grants).toHaveLength(0);
  });

  it('an ordinary secret never gets a grant', async () => {
    const s = await send(w, agent);
    expect(await grantFor(s)).toBeUndefined();
  });

  it("the requester's grant opens it once: the same grant cannot open a second view", async () => {
    const s = await sendVerifiedOnly(2);
    const grant = await grantFor(s);
    const first = await revealWith(s, grant);
    expect(first.status).toBe(200);
    expect(first.json.viewsLeft).toBe(1);
    const again = await revealWith(s, grant);
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('verification_required');
    expect(again.json.error.message).toMatch(/expired or was already used/);
    expect(await viewsLeft(s)).toBe(1);
    // The grant row went with the reveal (same statement); the audit event names the verification.
    expect(await w.t.db.selectFrom('reveal_grants').select('grant_hash').where('secret_id', '=', s.id).execute()).toHaveLength(0);
    const event = await w.t.db
      .selectFrom('audit_events')
      .select('data')
      .where('secret_id', '=', s.id)
      .where('type', '=', 'secret.revealed')
      .executeTakeFirstOrThrow();
    expect(event.data).toHaveProperty('verificationId');
    // A fresh verification earns a fresh grant for the second view.
    expect((await revealWith(s, await grantFor(s))).status).toBe(200);
  });

  it('two reveals racing with one grant: exactly one gets the content', async () => {
    const s = await sendVerifiedOnly(3);
    const grant = await grantFor(s);
    const answers = await Promise.all(Array.from({ length: 6 }, () => revealWith(s, grant)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 403)).toHaveLength(5);
    expect(await viewsLeft(s)).toBe(2);
  });

  it('an expired grant is refused', async () => {
    const s = await sendVerifiedOnly();
    const grant = await grantFor(s);
    await w.t.db
      .updateTable('reveal_grants')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('grant_hash', '=', grantHashOf(grant!))
      .execute();
    const res = await revealWith(s, grant);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('verification_required');
  });

  it('a grant is not spent by a reveal that fails for another reason (wrong link key)', async () => {
    const s = await sendVerifiedOnly();
    const grant = await grantFor(s);
    const wrong = await api(w.t.url, 'POST', `${base()}/${s.id}/reveal`, { keyCheck: Buffer.alloc(32, 1).toString('base64url'), grant });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('wrong_link_key');
    expect((await revealWith(s, grant)).status).toBe(200);
  });

  it('the grant is stored hashed, valid for 10 minutes', async () => {
    const s = await sendVerifiedOnly();
    const grant = await grantFor(s);
    const row = await w.t.db.selectFrom('reveal_grants').selectAll().where('secret_id', '=', s.id).executeTakeFirstOrThrow();
    expect(row.grant_hash.equals(grantHashOf(grant!))).toBe(true);
    expect(row.grant_hash.toString('base64url')).not.toBe(grant);
    const minutes = (row.expires_at.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(10);
  });
});

/** The body of POST …/verify: the method and the link key's check (proof of holding the link). */
const verifyBody = async (s: Pick<Sent, 'linkKey'>, method: string) => ({ method, keyCheck: (await revealBody(s.linkKey)).keyCheck });

describe('POST /api/v1/t/:tenant/secrets/:id/verify', () => {
  it('answers like a gone secret for ordinary, unknown and other-tenant secrets', async () => {
    const ordinary = await send(w, agent);
    const body = await verifyBody(ordinary, 'oidc');
    for (const path of [`${base()}/${ordinary.id}/verify`, `${base()}/${'A'.repeat(22)}/verify`]) {
      const res = await api(w.t.url, 'POST', path, body);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('secret_gone');
    }
    const s = await send(w, agent, undefined, { requiresVerification: true });
    const elsewhere = await api(w.t.url, 'POST', `/api/v1/t/${SLUGS.servicenow}/secrets/${s.id}/verify`, await verifyBody(s, 'oidc'));
    expect(elsewhere.status).toBe(404);
  });

  it('refuses a method the tenant does not offer (422) and a body that is not a method', async () => {
    const s = await send(w, agent, undefined, { requiresVerification: true });
    const duo = await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, await verifyBody(s, 'duo_universal'));
    expect(duo.status).toBe(422);
    const push = await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, await verifyBody(s, 'okta_push'));
    expect(push.status).toBe(422);
  });

  it('an identity provider that does not answer is 502 idp_unavailable (not the help desk), and the attempt is recorded failed', async () => {
    const s = await send(w, agent, undefined, { requiresVerification: true });
    const res = await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, await verifyBody(s, 'oidc'));
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe('idp_unavailable');
    const rows = await w.t.db.selectFrom('verifications').select('state').where('secret_id', '=', s.id).execute();
    expect(rows.map((r) => r.state)).toEqual(['failed']);
  });

  it('starts nothing without proof of the link key: 422 without it, 403 with a wrong one, throttled, nothing written', async () => {
    const s = await send(w, agent, undefined, { requiresVerification: true });
    const before = await countRows();
    const missing = await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, { method: 'oidc' });
    expect(missing.status).toBe(422);
    const wrong = { method: 'oidc', keyCheck: 'A'.repeat(43) };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, wrong)).status);
    expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
    expect(statuses.slice(3)).toContain(429);
    const after = await countRows();
    expect(after.verifications).toBe(before.verifications);
    expect(after.notes).toBe(before.notes);
    // The secret itself is untouched.
    expect(await viewsLeft(s)).toBe(1);
  });
});

async function countRows() {
  const verifications = await w.t.db
    .selectFrom('verifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const notes = await w.t.db
    .selectFrom('note_outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { verifications: Number(verifications.n), notes: Number(notes.n) };
}

describe('the recipient verifies with the real OIDC peer, then reveals', () => {
  let peer: OidcPeer;
  let ticketAgent: Agent;
  let email: string;

  beforeAll(async () => {
    peer = await startOidcPeer({ flavor: 'generic' });
    peer.allowRedirectUri(`${w.t.url}/verify/callback/oidc`);
    const put = await api(w.t.url, 'PUT', `/api/v1/admin/tenants/${slug}/idp/oidc`, peer.idpConfig({ client: 'basic' }), auth);
    expect(put.status).toBe(204);
    // Every test here signs in as the same customer: lift the per-customer contact limit (5 an hour by
    // default; the attack suite tests it) so the per-secret cap is what these tests meet.
    const policy = await api(
      w.t.url,
      'PUT',
      `/api/v1/admin/tenants/${slug}/policy`,
      { methods: ['oidc'], contactLimit: { count: 50 } },
      auth,
    );
    expect(policy.status).toBe(200);
    ticketAgent = agent;
    email = requesterEmail;
  }, 30_000);
  afterAll(async () => {
    await peer?.close();
  });

  /** POST …/verify, sign in at the peer, follow the redirect to our callback; answers the callback's response. */
  async function verifyAs(s: Sent, login: Parameters<OidcPeer['setNextLogin']>[0]) {
    const started = await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, await verifyBody(s, 'oidc'));
    expect(started.status).toBe(200);
    const authorize = new URL(started.json.url);
    expect(authorize.origin).toBe(new URL(peer.issuer).origin);
    expect(authorize.searchParams.get('login_hint')).toBe(email);
    expect(authorize.searchParams.get('prompt')).toBe('login');
    peer.setNextLogin(login);
    const query = await peer.signIn(started.json.url);
    const callback = new URL(`${w.t.url}/verify/callback/oidc`);
    for (const [k, v] of Object.entries(query)) callback.searchParams.set(k, v);
    return fetch(callback, { redirect: 'manual' });
  }

  /** Starts a sign-in and answers the callback URL the IdP would send the browser to, without calling it. */
  async function callbackFor(s: Sent, login: Parameters<OidcPeer['setNextLogin']>[0]): Promise<URL> {
    const started = await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, await verifyBody(s, 'oidc'));
    expect(started.status).toBe(200);
    peer.setNextLogin(login);
    const query = await peer.signIn(started.json.url);
    const callback = new URL(`${w.t.url}/verify/callback/oidc`);
    for (const [k, v] of Object.entries(query)) callback.searchParams.set(k, v);
    return callback;
  }

  it('concurrent callbacks with the same answer issue exactly one grant (only the request that recorded the outcome)', async () => {
    const s = await send(w, ticketAgent, { kind: 'text', text: 'one grant only' }, { requiresVerification: true });
    const callback = await callbackFor(s, { email, amr: ['pwd', 'mfa'] });
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(callback, { redirect: 'manual' })));
    const granted = answers.filter((r) => (r.headers.get('location') ?? '').includes('grant='));
    expect(granted).toHaveLength(1);
    expect(answers.filter((r) => r.status === 303)).toHaveLength(1);
    expect(await w.t.db.selectFrom('reveal_grants').select('grant_hash').where('secret_id', '=', s.id).execute()).toHaveLength(1);
    const verified = await w.t.db
      .selectFrom('verifications')
      .select('id')
      .where('secret_id', '=', s.id)
      .where('state', '=', 'verified')
      .execute();
    expect(verified).toHaveLength(1);
  });

  it('a callback that carries only the verification id (no random part) changes nothing: 400, and the real link still works', async () => {
    const s = await send(w, ticketAgent, { kind: 'text', text: 'state must be whole' }, { requiresVerification: true });
    const callback = await callbackFor(s, { email, amr: ['pwd', 'mfa'] });
    const state = callback.searchParams.get('state')!;
    const id = state.split('.')[0]!;
    for (const forged of [id, `${id}.`, `${id}.${'A'.repeat(32)}`, state.slice(0, -1), `${state}x`]) {
      const res = await fetch(`${w.t.url}/verify/callback/oidc?state=${encodeURIComponent(forged)}&code=abc`, { redirect: 'manual' });
      expect(res.status, forged).toBe(400);
    }
    const row = await w.t.db.selectFrom('verifications').select(['state', 'last_event_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.state).toBe('waiting');
    const res = await fetch(callback, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('grant=');
  });

  it('caps sign-in starts per secret (each writes notes): the sixth in an hour is refused with 429', async () => {
    const s = await send(w, ticketAgent, { kind: 'text', text: 'capped' }, { requiresVerification: true });
    const body = await verifyBody(s, 'oidc');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await api(w.t.url, 'POST', `${base()}/${s.id}/verify`, body)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const rows = await w.t.db.selectFrom('verifications').select('id').where('secret_id', '=', s.id).execute();
    expect(rows).toHaveLength(5);
  });

  it('the requester: redirected to the link with a grant that opens the secret once', async () => {
    const s = await send(w, ticketAgent, { kind: 'text', text: 'for the verified requester' }, { requiresVerification: true });
    const res = await verifyAs(s, { email, amr: ['pwd', 'mfa'] });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, w.t.url);
    expect(location.pathname).toBe(`/t/${slug}/s/${s.id}`);
    const grant = location.searchParams.get('grant')!;
    expect(grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ok = await revealWith(s, grant);
    expect(ok.status).toBe(200);
    expect(await viewsLeft(s)).toBeUndefined();
    const row = await w.t.db
      .selectFrom('verifications')
      .select(['purpose', 'state', 'secret_id'])
      .where('secret_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: 'recipient', state: 'verified' });
  });

  it('someone else signing in gets no grant, and the secret stays closed', async () => {
    peer.addAccount('mallory@attacker.test');
    const s = await send(w, ticketAgent, { kind: 'text', text: 'not for mallory' }, { requiresVerification: true });
    const res = await verifyAs(s, { email: 'mallory@attacker.test', amr: ['pwd', 'mfa'] });
    expect(res.headers.get('location') ?? '').not.toContain('grant=');
    expect(await w.t.db.selectFrom('reveal_grants').select('grant_hash').where('secret_id', '=', s.id).execute()).toHaveLength(0);
    expect((await revealWith(s)).status).toBe(403);
    expect(await viewsLeft(s)).toBe(1);
  });

  it('a sign-in without MFA gets no grant', async () => {
    const s = await send(w, ticketAgent, { kind: 'text', text: 'needs mfa' }, { requiresVerification: true });
    const res = await verifyAs(s, { email, amr: ['pwd'] });
    expect(res.headers.get('location') ?? '').not.toContain('grant=');
    expect(await w.t.db.selectFrom('reveal_grants').select('grant_hash').where('secret_id', '=', s.id).execute()).toHaveLength(0);
  });
});
