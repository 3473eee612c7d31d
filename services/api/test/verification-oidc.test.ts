import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdpConfigSchema, type Verification } from '@vouchsafe/contracts';
import { startGraphStandIn, startOidcPeer, type NextLogin, type OidcPeer, type StartedGraphStandIn } from '@vouchsafe/test-support/idps';
import { sealIdpConfig } from '../src/modules/idps/idp-config';
import { oidcDescriptor } from '../src/providers/oidc/descriptor';
import { upsertIdp } from '../src/modules/idps/idps.repository';
import { api } from './harness';
import { SLUGS, auth, eventually } from './sidebar-support';
import { call, configureIdp, openAs, setPolicy, startVerifyWorld, type AgentSession, type VerifyWorld } from './verification-support';

/**
 * Caller verification by sign-in link, end to end over HTTP: the sidebar starts it, the desk stand-in receives the
 * public reply with the link, the real oidc-provider peer signs the caller in, the browser comes back to our callback,
 * and the outcome (with its reason) reaches the sidebar and the internal note. The connection is registered through the
 * admin API, so the registration rules (verified or immutable identity, S11) are exercised too.
 */

let w: VerifyWorld;
let generic: OidcPeer;
let entra: OidcPeer;
let graph: StartedGraphStandIn;
const slug = SLUGS.zendesk;

beforeAll(async () => {
  w = await startVerifyWorld();
  [generic, entra] = await Promise.all([startOidcPeer({ flavor: 'generic' }), startOidcPeer({ flavor: 'entra' })]);
  graph = await startGraphStandIn({
    tenantId: entra.tenantId,
    clients: [{ clientId: entra.clients.basic.clientId, clientSecret: entra.clients.basic.clientSecret! }],
    directory: () => entra.directoryUsers(),
  });
  for (const peer of [generic, entra]) peer.allowRedirectUri(`${w.t.url}/verify/callback/oidc`);
  await configureIdp(w, 'zendesk', generic.idpConfig({ client: 'basic' }));
  await setPolicy(w, 'zendesk', { methods: ['oidc'], attemptTimeoutSeconds: 300, oidc: { requiredAcrs: ['c1'] } });
}, 60_000);
afterAll(async () => {
  await Promise.all([generic?.close(), entra?.close(), graph?.close()]);
  await w?.close();
});

const putIdp = (body: unknown) => api(w.t.url, 'PUT', `/api/v1/admin/tenants/${slug}/idp/oidc`, body, auth);

/** A new Zendesk ticket whose requester has an account at both peers. */
function ticketFor(email: string): string {
  for (const peer of [generic, entra]) peer.addAccount(email);
  return w.desks.state.addTicket('zendesk', { requester: { name: 'Caller On Record', email } }).ticketId;
}

/** The agent starts the link method; the desk's public reply carries the link to the requester. */
async function startLink(a: AgentSession): Promise<{ v: Verification; link: string }> {
  const res = await call(w.t.url, a, 'POST', '/verifications', { method: 'oidc' });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const link = await eventually(() => {
    const reply = w.desks.state
      .comments('zendesk', a.ticketId)
      .filter((c) => c.isPublic)
      .at(-1);
    const url = /https?:\/\/\S+/.exec(reply?.body ?? '')?.[0];
    expect(url).toBeDefined();
    return url!;
  });
  // Issue 16 item 6: the reply carries a short link on our own origin (128 random bits), never the IdP's long URL.
  expect(link).toMatch(new RegExp(`^${w.t.url}/v/[A-Za-z0-9_-]{22}$`));
  return { v: res.json as Verification, link };
}

/** What a browser opening the short link gets: 303 to the IdP, or the "no longer valid" page. */
const openShort = (link: string) => fetch(link, { redirect: 'manual' });

/** The caller signs in at `peer` (claims as `login` says) and the browser follows the redirect to our callback. */
async function answer(peer: OidcPeer, link: string, login: NextLogin = {}): Promise<Response> {
  peer.setNextLogin(login);
  const query = await peer.signIn(link);
  const callback = new URL(`${w.t.url}/verify/callback/oidc`);
  for (const [k, v] of Object.entries(query)) callback.searchParams.set(k, v);
  return fetch(callback, { redirect: 'manual' });
}

async function settled(a: AgentSession, id: string): Promise<Verification> {
  return eventually(async () => {
    const res = await call(w.t.url, a, 'GET', '/verifications');
    expect(res.json.current?.id).toBe(id);
    expect(['started', 'waiting']).not.toContain(res.json.current.state);
    return res.json.current as Verification;
  });
}

describe('generic OpenID Provider: the requester’s email counts only when the IdP verified it', () => {
  beforeAll(async () => {
    await configureIdp(w, 'zendesk', generic.idpConfig({ client: 'basic' }));
  });

  it('an account with the requester’s email but email_verified: false ends failed with the reason, in the sidebar and the note', async () => {
    const email = 'nadia.unverified@customer.test';
    const a = await openAs(w, ticketFor(email));
    const { v, link } = await startLink(a);
    const res = await answer(generic, link, { emailVerified: false });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Verification failed');
    const done = await settled(a, v.id);
    expect(done).toMatchObject({ state: 'failed', reason: expect.stringMatching(/has not verified.*email_verified is not true/) });
    expect(done.reason).not.toContain(email);
    const note = await eventually(() => {
      const found = w.desks.state
        .notes('zendesk', a.ticketId)
        .map((n) => n.body)
        .find((b) => b.includes('has not verified'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(note).not.toContain(email);
  });

  it('the same sign-in with email_verified: true verifies', async () => {
    const a = await openAs(w, ticketFor('nadia.verified@customer.test'));
    const { v, link } = await startLink(a);
    expect((await answer(generic, link, { emailVerified: true })).status).toBe(200);
    expect(await settled(a, v.id)).toMatchObject({ state: 'verified' });
  });

  it('the short link redirects (303) to the IdP only while the attempt is open, then answers a styled "no longer valid" page', async () => {
    const a = await openAs(w, ticketFor('nadia.short@customer.test'));
    const { v, link } = await startLink(a);
    const reply = w.desks.state
      .comments('zendesk', a.ticketId)
      .filter((c) => c.isPublic)
      .at(-1)!.body;
    expect(reply).not.toContain(generic.url);
    const open = await openShort(link);
    expect(open.status).toBe(303);
    expect(open.headers.get('cache-control')).toBe('no-store');
    const location = new URL(open.headers.get('location')!);
    expect(location.origin).toBe(new URL(generic.url).origin);
    expect(location.searchParams.get('prompt')).toBe('login');
    // A mistyped or guessed id, and the same link after the attempt finished: the page, never a redirect.
    const guessed = await openShort(`${link.slice(0, -2)}${link.endsWith('AA') ? 'BB' : 'AA'}`);
    expect(guessed.status).toBe(410);
    expect((await answer(generic, link, { emailVerified: true })).status).toBe(200);
    expect(await settled(a, v.id)).toMatchObject({ state: 'verified' });
    const used = await openShort(link);
    expect(used.status).toBe(410);
    expect(used.headers.get('location')).toBeNull();
    const page = await used.text();
    expect(page).toContain('This link is no longer valid');
    // Styled like the portal through our own stylesheet, allowed by the page's strict CSP (no inline style).
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toContain('<link rel="stylesheet" href="/verify/page.css">');
    expect(page).toMatch(/<main class="vs-page">[\s\S]*<h1>/);
    expect(page).not.toMatch(/ style=|<style|<script/);
    expect(used.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'self';/);
    const css = await fetch(`${w.t.url}/verify/page.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('.vs-card');
  });
});

describe('registering an OIDC connection that matches on a claim people can change → 422 naming the field', () => {
  it.each(['email', 'preferred_username', 'upn'])('Entra with subjectClaim %s', async (subjectClaim) => {
    const res = await putIdp({ ...entra.idpConfig({ client: 'basic', graph: graph.config }), subjectClaim });
    expect(res.status).toBe(422);
    expect(res.json.error.issues).toEqual([{ path: 'subjectClaim', message: expect.stringMatching(/^must be "oid" for flavor "entra"/) }]);
    expect(res.json.error.message).toContain('subjectClaim');
    expect(JSON.stringify(res.json)).not.toContain(entra.clients.basic.clientSecret!);
  });

  it('a generic provider with upn, and Entra without the client secret Graph needs', async () => {
    const upn = await putIdp({ ...generic.idpConfig(), subjectClaim: 'upn' });
    expect(upn.status).toBe(422);
    expect(upn.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['subjectClaim']);
    const publicEntra = await putIdp(entra.idpConfig({ client: 'public', graph: graph.config }));
    expect(publicEntra.status).toBe(422);
    expect(publicEntra.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['clientSecret']);
  });
});

describe('Microsoft Entra: the object id Graph finds for the email on record', () => {
  beforeAll(async () => {
    await configureIdp(w, 'zendesk', entra.idpConfig({ client: 'basic', graph: graph.config }));
  });

  it('the requester’s own account verifies; another account with the same email fails', async () => {
    const email = 'omar.entra@customer.test';
    const a = await openAs(w, ticketFor(email));
    const first = await startLink(a);
    await answer(entra, first.link);
    expect(await settled(a, first.v.id)).toMatchObject({ state: 'verified' });

    const b = await openAs(w, ticketFor('omar.other@customer.test'));
    const second = await startLink(b);
    await answer(entra, second.link, { oid: randomUUID() });
    expect(await settled(b, second.v.id)).toMatchObject({
      state: 'failed',
      reason: 'Someone other than the ticket’s requester signed in.',
    });
    const rows = await w.t.db.selectFrom('audit_events').select('data').where('type', 'like', 'verification.%').execute();
    expect(JSON.stringify(rows)).not.toContain(entra.account(email)!.oid);
  });

  it('no directory account for the requester: the method is not available, saying why', async () => {
    const ticketId = w.desks.state.addTicket('zendesk', {
      requester: { name: 'Not In Entra', email: 'not.in.entra@customer.test' },
    }).ticketId;
    const a = await openAs(w, ticketId);
    const overview = await call(w.t.url, a, 'GET', '/verifications');
    expect(overview.json.methods).toEqual([
      expect.objectContaining({ method: 'oidc', isAvailable: false, reason: expect.stringMatching(/no enabled member account/) }),
    ]);
    expect((await call(w.t.url, a, 'POST', '/verifications', { method: 'oidc' })).status).toBe(409);
  });
});

describe('a connection stored before the rule (Entra matched on preferred_username) fails closed', () => {
  it('the sidebar shows the method unavailable with what the admin must change; starting it is refused', async () => {
    const tenantId = (await w.t.db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
    // Written as the old code did: straight past today's registration rules.
    const old = IdpConfigSchema.parse({ ...entra.idpConfig({ client: 'basic' }), subjectClaim: 'preferred_username' });
    if (old.kind !== 'oidc') throw new Error('not an OIDC connection');
    await upsertIdp(
      w.t.db,
      { tenantId, kind: 'oidc', settings: oidcDescriptor.publicSettings(old), sealed: sealIdpConfig(w.t.keyring, tenantId, old) },
      { kind: 'oidc', host: null },
    );
    graph.reset();
    const a = await openAs(w, ticketFor('legacy.config@customer.test'));
    const overview = await call(w.t.url, a, 'GET', '/verifications');
    const [option] = overview.json.methods;
    expect(option).toMatchObject({
      method: 'oidc',
      isAvailable: false,
      reason: expect.stringMatching(/cannot identify callers safely.*subjectClaim must be "oid"/),
    });
    const publicBefore = w.desks.state.comments('zendesk', a.ticketId).filter((c) => c.isPublic).length;
    const res = await call(w.t.url, a, 'POST', '/verifications', { method: 'oidc' });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toBe(option.reason);
    // Nobody is looked up or sent a link through an unsafe connection.
    expect(graph.log).toHaveLength(0);
    expect(w.desks.state.comments('zendesk', a.ticketId).filter((c) => c.isPublic)).toHaveLength(publicBefore);
  });
});
