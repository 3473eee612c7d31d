import { randomUUID } from 'node:crypto';
import { ENTRA_LOOKUP_SELECT, GRAPH_SCOPE, IdpConfigSchema, VerificationPolicySchema, entraLookupFilter } from '@vouchsafe/contracts';
import {
  GRAPH_STANDIN_SCOPE,
  startGraphStandIn,
  startOidcPeer,
  type GraphUserProperty,
  type OidcPeer,
  type SignInForm,
  type StartedGraphStandIn,
} from '@vouchsafe/test-support/idps';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type ProviderOutcome, type StartResult } from '../provider.types';
import { REASONS } from './oidc.claims';
import { IDENTITY_REASONS } from './oidc.identity';
import { clearOidcCaches, createOidcProvider } from './index';
import { createOutbound } from '../../lib/outbound';

/** Stand-ins on loopback over http: the development policy (tests of the guard itself live in lib/outbound). */
const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });

// The stand-in models every property the provider selects and the scope it asks for: drift fails the typecheck.
const SELECTED: readonly GraphUserProperty[] = ENTRA_LOOKUP_SELECT;
const SCOPE: typeof GRAPH_SCOPE = GRAPH_STANDIN_SCOPE;

// Microsoft Entra: the real oidc-provider as the Entra-flavoured peer (oid, tid, acrs, no amr, no email_verified) and
// the Microsoft Graph stand-in over the same directory. The requester's object id comes from Graph at start.
const CALLBACK = 'http://127.0.0.1:9/verify/callback/oidc';
const REQUESTER = { email: 'Priya.Natarajan@customer.test', phone: '+1 555 0199 101', name: 'Priya Natarajan' };
const policy = VerificationPolicySchema.parse({ methods: ['oidc'], oidc: { requiredAcrs: ['c1'] } });

let entra: OidcPeer;
let graph: StartedGraphStandIn;

beforeAll(async () => {
  entra = await startOidcPeer({ flavor: 'entra', redirectUris: [CALLBACK] });
  graph = await startGraphStandIn({
    tenantId: entra.tenantId,
    // `basic` is consented for User.Read.All; `post` is an app registration nobody granted the permission to.
    clients: [
      { ...entra.clients.basic, clientSecret: entra.clients.basic.clientSecret! },
      { ...entra.clients.post, clientSecret: entra.clients.post.clientSecret!, roles: [] },
    ],
    directory: () => entra.directoryUsers(),
  });
});
afterAll(async () => {
  await Promise.all([entra.close(), graph.close()]);
});
afterEach(() => {
  entra.reset();
  graph.reset();
  clearOidcCaches();
});

function provider(overrides: Record<string, unknown> = {}) {
  const config = IdpConfigSchema.parse({ ...entra.idpConfig({ client: 'basic', graph: graph.config }), ...overrides });
  if (config.kind !== 'oidc') throw new Error('not an oidc config');
  return createOidcProvider(config, { timeoutMs: 5_000, policy, outbound });
}

async function start(requester = REQUESTER, overrides: Record<string, unknown> = {}): Promise<StartResult> {
  const p = provider(overrides);
  const user = await p.resolveUser(requester);
  return p.start(user!, { method: 'oidc' }, { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: 'Call with Jane' });
}

async function verify(form?: SignInForm): Promise<{ start: StartResult; outcome: ProviderOutcome }> {
  const started = await start();
  const params = await entra.signIn(started.link!, form);
  return { start: started, outcome: await provider().complete!({ ...started.providerState }, params) };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('Entra: the requester is the object id Graph finds for the email on record', () => {
  it('verifies the right oid in the right directory, asking Graph with the documented query and keeping the email out of state', async () => {
    expect(SELECTED).toEqual(['id', 'userType', 'accountEnabled']);
    expect(SCOPE).toBe('https://graph.microsoft.com/.default');
    const { start: started, outcome } = await verify();
    expect(outcome).toEqual({ state: 'verified' });
    expect(started.providerState).toMatchObject({ subjectClaim: 'oid', expectedSubject: entra.account(REQUESTER.email)?.oid });
    expect(JSON.stringify(started.providerState).toLowerCase()).not.toContain('natarajan');
    expect(JSON.stringify(started.binding)).not.toContain('natarajan');

    const [auth] = entra.authorizations();
    expect(auth?.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile']));
    expect(JSON.parse(auth?.claims ?? '{}')).toEqual({ id_token: { acrs: { essential: true, value: 'c1' } } });
    const lookup = graph.log.find((l) => l.path === '/v1.0/users');
    expect(lookup).toMatchObject({ method: 'GET', hasBearer: true, status: 200 });
    expect(lookup?.params).toEqual({
      $filter: entraLookupFilter('priya.natarajan@customer.test'),
      $select: 'id,userType,accountEnabled',
      $top: '10',
    });
    expect(graph.log.find((l) => l.path.endsWith('/oauth2/v2.0/token'))?.params).toMatchObject({
      grant_type: 'client_credentials',
      scope: GRAPH_SCOPE,
    });
  });

  it('reuses the Graph token until it nears expiry', async () => {
    await start();
    await start();
    expect(graph.log.filter((l) => l.path.endsWith('/token'))).toHaveLength(1);
  });

  it('fails another directory account with the same email, and a sign-in from another directory', async () => {
    entra.setNextLogin({ oid: randomUUID() });
    expect((await verify()).outcome).toEqual({ state: 'failed', reason: REASONS.wrongPerson });
    entra.setNextLogin({ tid: randomUUID() });
    expect((await verify()).outcome).toEqual({ state: 'failed', reason: REASONS.otherTenant });
  });

  it('fails someone else, a stale sign-in and one without the auth context', async () => {
    entra.setNextLogin({ email: 'amara.okafor@customer.test' });
    expect((await verify()).outcome).toEqual({ state: 'failed', reason: REASONS.wrongPerson });
    entra.setNextLogin({ authTimeOffsetSeconds: -3_600 });
    expect((await verify()).outcome).toEqual({ state: 'failed', reason: REASONS.stale });
    expect((await verify({ mfa: false })).outcome).toEqual({ state: 'failed', reason: REASONS.noMfa });
  });

  it('ignores guests and disabled accounts that share the address', async () => {
    graph.addUser({ mail: REQUESTER.email, userType: 'Guest' });
    graph.addUser({ mail: null, userPrincipalName: REQUESTER.email.toLowerCase(), accountEnabled: false });
    expect((await verify()).outcome).toEqual({ state: 'verified' });
  });
});

describe('Entra: the Graph lookup fails closed', () => {
  const user = () =>
    provider()
      .resolveUser(REQUESTER)
      .then((u) => u!);

  it('no account → not offered, with the reason; start refuses', async () => {
    const nobody = { ...REQUESTER, email: 'nobody@customer.test' };
    const p = provider();
    expect(await p.listMethods((await p.resolveUser(nobody))!)).toEqual([{ method: 'oidc', unavailableReason: IDENTITY_REASONS.none }]);
    expect(await refusal(start(nobody))).toMatchObject({ kind: 'not_found', message: IDENTITY_REASONS.none });
  });

  it('two member accounts with the address → ambiguous, nobody is verified', async () => {
    graph.addUser({ mail: null, userPrincipalName: REQUESTER.email });
    expect(await provider().listMethods(await user())).toEqual([{ method: 'oidc', unavailableReason: IDENTITY_REASONS.several }]);
    expect(await refusal(start())).toMatchObject({ kind: 'rejected', message: IDENTITY_REASONS.several });
  });

  it('only a guest account with the address (planted by an inviter) → refused', async () => {
    const stranger = { ...REQUESTER, email: 'stranger@partner.test' };
    graph.addUser({ mail: stranger.email, userType: 'Guest' });
    expect(await refusal(start(stranger))).toMatchObject({ kind: 'rejected', message: IDENTITY_REASONS.guestOnly });
  });

  it('Graph down (503, then connection refused) → unavailable, never a pass', async () => {
    graph.failUsers(503);
    expect(await refusal(provider().listMethods(await user()))).toMatchObject({ kind: 'unavailable' });
    graph.failUsers(503);
    expect(await refusal(start())).toMatchObject({ kind: 'unavailable' });
    const closed = await refusal(start(REQUESTER, { graph: { baseUrl: 'http://127.0.0.1:9', tokenUrl: graph.config.tokenUrl } }));
    expect(closed).toBeInstanceOf(ProviderError);
    expect(closed).toMatchObject({ kind: 'unavailable' });
  });

  it('an app without User.Read.All, or a wrong client secret → misconfigured, naming what to grant', async () => {
    const unconsented = IdpConfigSchema.parse(entra.idpConfig({ client: 'post', graph: graph.config }));
    const p = createOidcProvider(unconsented as never, { timeoutMs: 5_000, policy, outbound });
    expect(await refusal(p.listMethods((await p.resolveUser(REQUESTER))!))).toMatchObject({
      kind: 'misconfigured',
      message: expect.stringMatching(/User\.Read\.All/),
    });
    expect(await refusal(start(REQUESTER, { clientSecret: 'not-the-secret' }))).toMatchObject({
      kind: 'misconfigured',
      message: expect.stringMatching(/client credentials/),
    });
  });

  it('a Graph token the API refuses (revoked, rotated secret) is replaced once', async () => {
    await start();
    await graph.revokeTokens();
    await start();
    expect(graph.log.filter((l) => l.path === '/v1.0/users').map((l) => l.status)).toEqual([200, 401, 200]);
    expect(graph.log.filter((l) => l.path.endsWith('/token'))).toHaveLength(2);
  });
});

describe('Entra connections stored before the rule (matching on a claim people can change)', () => {
  it.each(['email', 'preferred_username', 'upn', 'sub'] as const)(
    'subjectClaim %s: not offered, start refuses, an answer fails — saying to use "oid"',
    async (subjectClaim) => {
      const unsafe = provider({ subjectClaim, graph: undefined });
      const u = (await unsafe.resolveUser(REQUESTER))!;
      const [method] = await unsafe.listMethods(u);
      expect(method?.unavailableReason).toMatch(/subjectClaim must be "oid" for flavor "entra"/);
      expect(
        await refusal(unsafe.start(u, { method: 'oidc' }, { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: '' })),
      ).toMatchObject({ kind: 'misconfigured' });
      const started = await start();
      const params = await entra.signIn(started.link!);
      expect(await unsafe.complete!({ ...started.providerState }, params)).toEqual({ state: 'failed', reason: method?.unavailableReason });
      expect(graph.log.filter((l) => l.path === '/v1.0/users')).toHaveLength(1);
    },
  );

  it('a link made for the email (old row) is not accepted once the connection matches on oid', async () => {
    const started = await start();
    const params = await entra.signIn(started.link!);
    const oldRow = { ...started.providerState, subjectClaim: undefined, expectedSubject: REQUESTER.email.toLowerCase() };
    expect(await provider().complete!(oldRow, params)).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/connection was changed/),
    });
  });
});
