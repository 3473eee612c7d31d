import { randomUUID } from 'node:crypto';
import { IdpConfigSchema, VerificationPolicySchema, type VerificationPolicyInput } from '@vouchsafe/contracts';
import { startOidcPeer, type OidcPeer, type SignInForm } from '@vouchsafe/test-support/idps';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound } from '../../lib/outbound';
import { ProviderError, type ProviderOutcome, type StartResult } from '../provider.types';
import { REASONS } from './oidc.claims';
import { createOidcProvider } from './oidc.provider';

// The real oidc-provider 8 as the peer; the sign-in is driven over plain HTTP (cookies, redirects, the login form).
const CALLBACK = 'http://127.0.0.1:9/verify/callback/oidc';
// The stand-in peers are plain http on 127.0.0.1: the development policy (the strict one has its own tests below).
const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });
const REQUESTER = { email: 'Priya.Natarajan@customer.test', phone: '+1 555 0199 101', name: 'Priya Natarajan' };

let generic: OidcPeer;

beforeAll(async () => {
  generic = await startOidcPeer({ redirectUris: [CALLBACK] });
});
afterAll(async () => {
  await generic.close();
});
afterEach(() => {
  generic.reset();
});

interface Run {
  client?: 'basic' | 'post' | 'public';
  policy?: Partial<VerificationPolicyInput>;
  form?: SignInForm;
  /** The connection (default: the peer's, with `client`). */
  config?: unknown;
  /** Change the stored state or the callback's parameters before complete(). */
  edit?: (state: Record<string, unknown>, params: Record<string, string>) => void;
}

async function verify(
  peer: OidcPeer,
  run: Run = {},
): Promise<{ start: StartResult; params: Record<string, string>; outcome: ProviderOutcome }> {
  const config = IdpConfigSchema.parse(run.config ?? peer.idpConfig({ client: run.client }));
  if (config.kind !== 'oidc') throw new Error('not an oidc config');
  const policy = VerificationPolicySchema.parse({ methods: ['oidc'], ...run.policy });
  const provider = createOidcProvider(config, { timeoutMs: 5_000, policy, outbound });
  const user = await provider.resolveUser(REQUESTER);
  if (!user) throw new Error('no user');
  const start = await provider.start(
    user,
    { method: 'oidc' },
    { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: 'Call with Jane' },
  );
  if (!start.link) throw new Error('no link');
  const params = await peer.signIn(start.link, run.form);
  const state = { ...start.providerState };
  run.edit?.(state, params);
  const complete = provider.complete;
  if (!complete) throw new Error('no complete');
  return { start, params, outcome: await complete(state, params) };
}

describe('OIDC provider against a real oidc-provider (generic)', () => {
  it('verifies a fresh MFA sign-in by the requester, with PKCE S256, prompt=login, nonce and login_hint', async () => {
    const { start, outcome } = await verify(generic);
    expect(outcome).toEqual({ state: 'verified' });
    const [auth] = generic.authorizations();
    expect(auth).toMatchObject({
      prompt: 'login',
      code_challenge_method: 'S256',
      login_hint: REQUESTER.email,
      response_type: 'code',
      redirect_uri: CALLBACK,
    });
    expect(auth?.nonce).toBe(start.providerState.nonce);
    expect(auth?.state).toBe(start.idpRef);
    expect(auth?.claims).toBeUndefined();
    expect(start.binding).toEqual({ kind: 'link', sentTo: 'P***@c***.test' });
    expect(JSON.stringify(start.binding)).not.toContain('natarajan');
  });

  it('works as a client_secret_post client and as a public client (PKCE only)', async () => {
    expect((await verify(generic, { client: 'post' })).outcome).toEqual({ state: 'verified' });
    expect((await verify(generic, { client: 'public' })).outcome).toEqual({ state: 'verified' });
  });

  it('fails a stale sign-in (auth_time older than maxAuthAgeSeconds)', async () => {
    generic.setNextLogin({ authTimeOffsetSeconds: -600 });
    const { outcome } = await verify(generic, { policy: { oidc: { maxAuthAgeSeconds: 300 } } });
    expect(outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/not fresh/) });
    // Even for a link made long ago (so the sign-in is after it), the age limit alone fails it.
    generic.setNextLogin({ authTimeOffsetSeconds: -600 });
    const old = await verify(generic, {
      policy: { oidc: { maxAuthAgeSeconds: 300 } },
      edit: (state) => void (state.issuedAt = Number(state.issuedAt) - 3_600),
    });
    expect(old.outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/not fresh/) });
    // … and a sign-in from before the link (prompt=login ignored) fails even within the age limit.
    generic.setNextLogin({ authTimeOffsetSeconds: -120 });
    expect((await verify(generic, { policy: { oidc: { maxAuthAgeSeconds: 600 } } })).outcome).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/not fresh/),
    });
  });

  it('fails when someone else signs in', async () => {
    generic.setNextLogin({ email: 'lukas.becker@customer.test' });
    const { outcome } = await verify(generic);
    expect(outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/other than the ticket’s requester/) });
  });

  it('fails an account with the requester’s email that the IdP has not verified (self-service sign-up)', async () => {
    generic.setNextLogin({ emailVerified: false });
    expect((await verify(generic)).outcome).toEqual({ state: 'failed', reason: REASONS.unverifiedEmail });
    generic.setNextLogin({ emailVerified: 'true' });
    expect((await verify(generic)).outcome).toEqual({ state: 'failed', reason: REASONS.unverifiedEmail });
    generic.setNextLogin({ emailVerified: null });
    expect((await verify(generic)).outcome).toEqual({ state: 'failed', reason: REASONS.unverifiedEmail });
  });

  it('stores who must sign in as the verified-email identity (and still completes rows stored before the field existed)', async () => {
    const { start, outcome } = await verify(generic, { edit: (state) => void delete state.subjectClaim });
    expect(outcome).toEqual({ state: 'verified' });
    expect(start.providerState).toMatchObject({ subjectClaim: 'email', expectedSubject: REQUESTER.email.toLowerCase() });
  });

  it('fails without MFA evidence (amr has only pwd)', async () => {
    const { outcome } = await verify(generic, { form: { mfa: false } });
    expect(outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/no evidence of multi-factor/) });
  });

  it('accepts an acr the policy names instead of amr', async () => {
    generic.setNextLogin({ amr: ['pwd'], acr: 'urn:bank:loa:3' });
    const { outcome } = await verify(generic, { policy: { oidc: { requiredAcr: ['urn:bank:loa:3'] } } });
    expect(outcome).toEqual({ state: 'verified' });
  });

  it('fails closed when the policy names no MFA evidence at all', async () => {
    const { outcome } = await verify(generic, { policy: { oidc: { requiredAmr: [], requiredAcr: [] } } });
    expect(outcome).toMatchObject({ state: 'failed', reason: expect.stringMatching(/names no MFA evidence/) });
  });

  it('fails on a nonce that is not ours (id_token re-signed with another nonce)', async () => {
    generic.tamperNextIdToken((claims) => ({ ...claims, nonce: 'someone-elses-nonce' }));
    const { outcome } = await verify(generic);
    expect(outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/nonce mismatch/) });
  });

  it('fails on an id_token for another audience, or with a foreign azp', async () => {
    generic.tamperNextIdToken((claims) => ({ ...claims, aud: 'another-app' }));
    expect((await verify(generic)).outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/could not be trusted/) });
    generic.tamperNextIdToken((claims) => ({ ...claims, aud: [String(claims.aud), 'another-app'], azp: 'another-app' }));
    expect((await verify(generic)).outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/could not be trusted/) });
  });

  it('fails when auth_time is missing', async () => {
    generic.tamperNextIdToken(({ auth_time: _omit, ...claims }) => claims);
    expect((await verify(generic)).outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/not fresh/) });
  });

  it('maps error=access_denied to denied', async () => {
    const { params, outcome } = await verify(generic, { form: { cancel: true } });
    expect(params.error).toBe('access_denied');
    expect(outcome).toEqual({ state: 'denied', reason: expect.any(String) });
  });

  it('refuses an answer with another state, and a replayed code', async () => {
    const foreign = await verify(generic, { edit: (_state, params) => void (params.state = `${params.state}x`) });
    expect(foreign.outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/state mismatch/) });

    const mixUp = await verify(generic, { edit: (_state, params) => void (params.iss = 'https://idp.attacker.test') });
    expect(mixUp.outcome).toEqual({ state: 'failed', reason: expect.stringMatching(/issuer mismatch/) });

    const config = IdpConfigSchema.parse(generic.idpConfig());
    if (config.kind !== 'oidc') throw new Error('not oidc');
    const provider = createOidcProvider(config, { timeoutMs: 5_000, outbound });
    const user = await provider.resolveUser(REQUESTER);
    const start = await provider.start(
      user!,
      { method: 'oidc' },
      { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: '' },
    );
    const params = await generic.signIn(start.link!);
    expect(await provider.complete!(start.providerState, params)).toEqual({ state: 'verified' });
    expect(await provider.complete!(start.providerState, params)).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/already used/),
    });
  });

  it('refuses a discovery document that names another issuer', async () => {
    const config = IdpConfigSchema.parse({ ...generic.idpConfig(), issuer: `${generic.issuer}/` });
    if (config.kind !== 'oidc') throw new Error('not oidc');
    const provider = createOidcProvider(config, { timeoutMs: 5_000, outbound });
    const user = await provider.resolveUser(REQUESTER);
    const error = await provider
      .start(user!, { method: 'oidc' }, { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: '' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'misconfigured' });
  });

  it('has no user and no method without an email on record', async () => {
    const provider = createOidcProvider(IdpConfigSchema.parse(generic.idpConfig()) as never, { timeoutMs: 5_000, outbound });
    expect(await provider.resolveUser({ email: null, phone: '+15550199101', name: 'X' })).toBeUndefined();
    expect(await provider.listMethods({ ref: 'x', email: null, phone: null })).toEqual([]);
    expect(await provider.listMethods({ ref: 'x', email: 'a@b.test', phone: null })).toEqual([{ method: 'oidc' }]);
  });
});

describe('generic connections stored before the verified-identity rule (registration refuses them now)', () => {
  it.each(['preferred_username', 'upn', 'sub'] as const)(
    'subjectClaim %s verifies no one and tells the admin what to change',
    async (subjectClaim) => {
      const config = IdpConfigSchema.parse({ ...generic.idpConfig(), subjectClaim });
      if (config.kind !== 'oidc') throw new Error('not oidc');
      const provider = createOidcProvider(config, { timeoutMs: 5_000, outbound });
      const user = (await provider.resolveUser(REQUESTER))!;
      const [method] = await provider.listMethods(user);
      expect(method).toEqual({
        method: 'oidc',
        unavailableReason: expect.stringMatching(/cannot identify callers safely.*subjectClaim must be "email"/),
      });
      expect(method?.unavailableReason).not.toContain(REQUESTER.email);
      const error = await provider
        .start(user, { method: 'oidc' }, { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: '' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'misconfigured', message: method?.unavailableReason });

      // A link made while the connection was still trusted: the answer fails closed too, even for the right person.
      const safe = createOidcProvider(IdpConfigSchema.parse(generic.idpConfig()) as never, { timeoutMs: 5_000, outbound });
      const started = await safe.start(
        user,
        { method: 'oidc' },
        { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: '' },
      );
      const params = await generic.signIn(started.link!);
      expect(await provider.complete!(started.providerState, params)).toEqual({ state: 'failed', reason: method?.unavailableReason });
    },
  );
});
