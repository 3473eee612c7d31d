import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@okta/okta-sdk-nodejs';
import { loadOktaContract, startOktaStandIn, type OktaContract, type StartedOktaStandIn } from '@vouchsafe/test-support/idps';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbound } from '../../lib/outbound';
import { ProviderError, type IdpUser, type MethodInfo, type StartContext } from '../provider.types';
import { oktaClient, type OktaConfig } from './okta.client';
import { createOktaProvider, OKTA_UNKNOWN_STATE, outcomeFromFactorResult, transactionIdFromPollLink } from './okta.provider';

// The real @okta/okta-sdk-nodejs over real HTTP against the Okta stand-in. HOME, the working directory and
// OKTA_CLIENT_* are poisoned for the whole file: the provider must not pick up anything from them.

const PRIYA = 'priya.natarajan@customer.test';
const LUKAS = 'lukas.becker@customer.test';
const AMARA = 'amara.okafor@customer.test';
const NOAH = 'noah.kim@customer.test';
const CTX: StartContext = {
  verificationId: '00000000-0000-4000-8000-000000000001',
  callbackUrl: 'http://127.0.0.1:9/verify/callback/okta',
  displayContext: 'Zendesk ticket 101',
};

const POISON_ENV: Record<string, string> = {
  OKTA_CLIENT_ORGURL: 'http://127.0.0.1:9',
  OKTA_CLIENT_TOKEN: 'poisoned-env-token',
  OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
  OKTA_CLIENT_CLIENTID: 'poisoned-env-client',
  OKTA_CLIENT_SCOPES: 'okta.poison.env',
  OKTA_CLIENT_PRIVATEKEY: '{"kty":"RSA","n":"poison"}',
  OKTA_CLIENT_KEYID: 'poisoned-env-kid',
};
const POISON_YAML = `okta:
  client:
    orgUrl: http://127.0.0.1:9
    token: poisoned-yaml-token
    authorizationMode: PrivateKey
    clientId: poisoned-yaml-client
    scopes: [okta.poison.yaml]
    privateKey: '{"kty":"RSA","n":"poison"}'
    keyId: poisoned-yaml-kid
    userAgent: poisoned-yaml-agent
`;

let okta: StartedOktaStandIn;
let contract: OktaContract;
let sandbox: string;
const saved = { env: { ...process.env }, cwd: process.cwd() };
/** Exchanges a test deliberately makes out of spec (an unknown factorResult; 5xx faults the spec does not describe). */
let outOfSpecAllowed: (problem: string) => boolean = () => false;

beforeAll(async () => {
  contract = loadOktaContract();
  sandbox = mkdtempSync(path.join(os.tmpdir(), 'okta-home-'));
  mkdirSync(path.join(sandbox, '.okta'));
  writeFileSync(path.join(sandbox, '.okta', 'okta.yaml'), POISON_YAML);
  writeFileSync(path.join(sandbox, 'okta.yaml'), POISON_YAML);
  process.env.HOME = sandbox;
  Object.assign(process.env, POISON_ENV);
  process.chdir(sandbox);
  okta = await startOktaStandIn();
});
afterAll(async () => {
  process.chdir(saved.cwd);
  process.env = saved.env;
  rmSync(sandbox, { recursive: true, force: true });
  await okta.close();
});
beforeEach(() => {
  okta.reset();
  outOfSpecAllowed = () => false;
});
afterEach(() => {
  // Every request the SDK sent, and every answer it got, against ../shared/specs/okta/management.yaml.
  const problems = okta
    .requests()
    .filter((e) => e.status < 500)
    .flatMap((e) => contract.check(e))
    .filter((p) => !outOfSpecAllowed(p));
  expect(problems).toEqual([]);
});

const ssws = (): OktaConfig => ({ kind: 'okta', orgUrl: okta.url, auth: { apiToken: okta.apiToken } });
// The stand-in is plain http on 127.0.0.1: the development policy.
const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });
const provider = (config: OktaConfig = ssws(), timeoutMs = 5_000) => createOktaProvider(config, { timeoutMs, outbound });

async function userFor(email: string, p = provider()): Promise<IdpUser> {
  const user = await p.resolveUser({ email, phone: null, name: null });
  if (!user) throw new Error(`no Okta user for ${email}`);
  return user;
}

async function pushMethod(user: IdpUser, p = provider()): Promise<MethodInfo> {
  const [method] = await p.listMethods(user);
  if (!method) throw new Error('no push factor');
  return method;
}

async function expectProviderError(promise: Promise<unknown>, kind: ProviderError['kind']) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).kind).toBe(kind);
  // No identifiers and no SDK text in what we pass on.
  expect((error as ProviderError).message).not.toMatch(/customer\.test|00u|opf|v2mst|SSWS|Bearer/);
  return error as ProviderError;
}

describe('resolveUser and listMethods', () => {
  it('finds the requester by email (login), with the IdP email and mobile phone; nobody for unknown, shortnames or "me"', async () => {
    const priya = await provider().resolveUser({ email: '  Priya.Natarajan@Customer.TEST ', phone: '+1 999', name: 'P' });
    expect(priya).toEqual({ ref: okta.state.requireUser(PRIYA).id, email: PRIYA, phone: '+15550199101' });
    expect((await userFor(AMARA)).phone).toBeNull();
    expect(await provider().resolveUser({ email: 'nobody@customer.test', phone: null, name: null })).toBeUndefined();
    const before = okta.requests().length;
    for (const email of [null, '', 'me', 'priya.natarajan', 'a/b@customer.test']) {
      expect(await provider().resolveUser({ email, phone: '+15550199101', name: null })).toBeUndefined();
    }
    expect(okta.requests()).toHaveLength(before);
    okta.state.requireUser(LUKAS).status = 'SUSPENDED';
    expect(await provider().resolveUser({ email: LUKAS, phone: null, name: null })).toBeUndefined();
    expect(okta.requests().at(-1)).toMatchObject({ method: 'GET', path: `/api/v1/users/${encodeURIComponent(LUKAS)}`, status: 200 });
  });

  it('lists the active Okta Verify push factor with its dates; none for an sms-only user', async () => {
    const priya = await pushMethod(await userFor(PRIYA));
    expect(priya).toEqual({
      method: 'okta_push',
      factorRef: okta.state.requireUser(PRIYA).factors[0]!.id,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(Date.now() - priya.createdAt!.getTime()).toBeGreaterThan(89 * 86_400_000);
    const lukas = await pushMethod(await userFor(LUKAS));
    expect(Math.abs(Date.now() - 3_600_000 - lukas.createdAt!.getTime())).toBeLessThan(60_000);
    expect(await provider().listMethods(await userFor(NOAH))).toEqual([]);
  });

  it('with several phones offers the longest-enrolled active one; pending push factors and other factor types are skipped', async () => {
    const amara = await userFor(AMARA);
    okta.state.addFactor(AMARA, { factorType: 'push', created: new Date(Date.now() - 3_600_000), label: 'new phone' });
    const inactive = okta.state.addFactor(AMARA, {
      factorType: 'push',
      created: new Date(Date.now() - 900 * 86_400_000),
      status: 'PENDING_ACTIVATION',
    });
    const totp = okta.state.addFactor(AMARA, {
      factorType: 'token:software:totp',
      provider: 'GOOGLE',
      created: new Date(Date.now() - 901 * 86_400_000),
    });
    const methods = await provider().listMethods(amara);
    expect(methods).toHaveLength(1);
    expect(methods[0]!.factorRef).toBe(okta.state.requireUser(AMARA).factors[0]!.id);
    expect([inactive.id, totp.id]).not.toContain(methods[0]!.factorRef);
  });
});

describe('push with number challenge', () => {
  it('sends verifyFactor with useNumberMatchingChallenge and a User-Agent, and returns the number to read out', async () => {
    const user = await userFor(PRIYA);
    const method = await pushMethod(user);
    const started = await provider().start(user, method, CTX);
    const tx = okta.state.lastTransaction(PRIYA)!;
    expect(started).toEqual({
      idpRef: tx.id,
      binding: { kind: 'number_challenge', number: String(tx.correctAnswer) },
      providerState: { userId: user.ref, factorId: method.factorRef, transactionId: tx.id },
    });
    const verify = okta.requests().at(-1)!;
    expect(verify).toMatchObject({
      method: 'POST',
      path: `/api/v1/users/${user.ref}/factors/${method.factorRef}/verify`,
      status: 201,
      requestBody: { useNumberMatchingChallenge: true },
    });
    expect(verify.headers['user-agent']).toBe('vouchsafe (Help desk verification; Zendesk ticket 101)');
    expect(okta.requests()[0]!.headers['user-agent']).toMatch(/^vouchsafe @okta\/okta-sdk-nodejs\/8\.1\.0 node\//);
    expect(okta.requests().every((e) => e.headers.authorization === 'SSWS ***')).toBe(true);
  });

  it('a plain push when Okta issues no number challenge: binding null', async () => {
    okta.state.requireUser(AMARA).numberMatching = false;
    const user = await userFor(AMARA);
    const started = await provider().start(user, await pushMethod(user), CTX);
    expect(started.binding).toBeNull();
  });

  it.each([
    ['approve', { state: 'verified' }],
    ['deny', { state: 'denied', detail: 'rejected_unspecified', reason: 'The caller rejected the Okta Verify push.' }],
    ['timeout', { state: 'timed_out' }],
  ] as const)('%s: WAITING, then the final answer, which stays', async (outcome, expected) => {
    okta.state.setOutcome(PRIYA, { outcome, afterPolls: 1 });
    const user = await userFor(PRIYA);
    const { providerState } = await provider().start(user, await pushMethod(user), CTX);
    expect(await provider().poll!(providerState, 1_000)).toEqual({ state: 'waiting' });
    expect(await provider().poll!(providerState, 1_000)).toEqual(expected);
    expect(await provider().poll!(providerState, 1_000)).toEqual(expected);
    expect(okta.requests().at(-1)).toMatchObject({
      method: 'GET',
      path: `/api/v1/users/${user.ref}/factors/${providerState.factorId}/transactions/${providerState.transactionId}`,
    });
  });

  it('manual: waits until the phone answers (right number → verified; wrong number → REJECTED, which Okta does not tell from a denial)', async () => {
    const user = await userFor(LUKAS);
    const method = await pushMethod(user);
    const first = await provider().start(user, method, CTX);
    expect(await provider().poll!(first.providerState, 1_000)).toEqual({ state: 'waiting' });
    okta.approve(first.idpRef, Number(first.binding && 'number' in first.binding ? first.binding.number : NaN));
    expect(await provider().poll!(first.providerState, 1_000)).toEqual({ state: 'verified' });
    const second = await provider().start(user, method, CTX);
    const wrong = okta.state
      .requireTransaction(second.idpRef)
      .choices.find((n) => String(n) !== (second.binding as { number: string }).number)!;
    okta.approve(second.idpRef, wrong);
    expect(await provider().poll!(second.providerState, 1_000)).toMatchObject({ state: 'denied', detail: 'rejected_unspecified' });
  });

  it.each([
    ['an out-of-spec factorResult', 'PENDING_REVIEW'],
    ['no factorResult at all', null],
  ])('unknown state (%s) → failed, never waiting or verified', async (_label, unknownState) => {
    outOfSpecAllowed = (p) => p.includes('/transactions/') && p.includes('factorResult');
    okta.state.setOutcome(PRIYA, { outcome: 'unknown', unknownState });
    const user = await userFor(PRIYA);
    const { providerState } = await provider().start(user, await pushMethod(user), CTX);
    expect(await provider().poll!(providerState, 1_000)).toEqual({ state: 'failed', reason: OKTA_UNKNOWN_STATE });
  });

  it('maps exactly WAITING, SUCCESS, REJECTED, TIMEOUT; anything else fails', () => {
    for (const other of [
      'WAITING (with number matching challenge)',
      'waiting',
      'success',
      'ALLOW',
      '',
      0,
      undefined,
      null,
      { factorResult: 'SUCCESS' },
    ]) {
      expect(outcomeFromFactorResult(other)).toEqual({ state: 'failed', reason: OKTA_UNKNOWN_STATE });
    }
    expect(outcomeFromFactorResult('SUCCESS')).toEqual({ state: 'verified' });
  });

  it('reads the transaction id only from a poll link for the same user and factor', () => {
    const href = 'https://acme.okta.com/api/v1/users/00u1/factors/opf1/transactions/v2mst.abc';
    expect(transactionIdFromPollLink(href, '00u1', 'opf1')).toBe('v2mst.abc');
    expect(transactionIdFromPollLink(href, '00u2', 'opf1')).toBeUndefined();
    expect(transactionIdFromPollLink(href, '00u1', 'opf2')).toBeUndefined();
    expect(transactionIdFromPollLink('https://acme.okta.com/api/v1/users/00u1/factors/opf1', '00u1', 'opf1')).toBeUndefined();
    expect(transactionIdFromPollLink('not a url', '00u1', 'opf1')).toBeUndefined();
    expect(transactionIdFromPollLink(undefined, '00u1', 'opf1')).toBeUndefined();
  });

  it('missing or foreign factor, unknown transaction, incomplete state', async () => {
    const user = await userFor(PRIYA);
    await expectProviderError(provider().start(user, { method: 'okta_push', factorRef: 'opfDoesNotExist00000' }, CTX), 'not_found');
    await expectProviderError(provider().start(user, { method: 'okta_push' }, CTX), 'rejected');
    const noah = await userFor(NOAH);
    const sms = okta.state.requireUser(NOAH).factors[0]!.id;
    await expectProviderError(provider().start(noah, { method: 'okta_push', factorRef: sms }, CTX), 'rejected');
    await expectProviderError(provider().poll!({ userId: user.ref, factorId: 'opf1', transactionId: 'v2mst.gone' }, 1_000), 'not_found');
    expect(await provider().poll!({ userId: user.ref }, 1_000)).toEqual({
      state: 'failed',
      reason: 'The Okta push transaction record is incomplete.',
    });
  });

  it('cancel is a no-op: the Management API has no cancel operation for push transactions', async () => {
    const user = await userFor(PRIYA);
    const { providerState } = await provider().start(user, await pushMethod(user), CTX);
    const before = okta.requests().length;
    await expect(provider().cancel(providerState)).resolves.toBeUndefined();
    expect(okta.requests()).toHaveLength(before);
    expect(
      contract.match(
        'DELETE',
        `/api/v1/users/${user.ref}/factors/${String(providerState.factorId)}/transactions/${String(providerState.transactionId)}`,
      ),
    ).toBeUndefined();
  });
});

describe('failures', () => {
  it('401 (wrong API token) and 403 → misconfigured, on every call', async () => {
    const user = await userFor(PRIYA);
    const method = await pushMethod(user);
    const { providerState } = await provider().start(user, method, CTX);
    const wrong = provider({ kind: 'okta', orgUrl: okta.url, auth: { apiToken: 'not-the-right-token' } });
    const error = await expectProviderError(wrong.resolveUser({ email: PRIYA, phone: null, name: null }), 'misconfigured');
    expect(error.status).toBe(401);
    await expectProviderError(wrong.listMethods(user), 'misconfigured');
    await expectProviderError(wrong.start(user, method, CTX), 'misconfigured');
    await expectProviderError(wrong.poll!(providerState, 1_000), 'misconfigured');
    okta.fail(403);
    expect((await expectProviderError(provider().poll!(providerState, 1_000), 'misconfigured')).status).toBe(403);
  });

  it('5xx, 429, a closed port and a silent server → unavailable (within the timeout)', async () => {
    const user = await userFor(PRIYA);
    for (const status of [500, 503, 429]) {
      okta.fail(status);
      expect((await expectProviderError(provider().listMethods(user), 'unavailable')).status).toBe(status);
    }
    okta.fail(null);
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await expectProviderError(
      provider({ kind: 'okta', orgUrl: `http://127.0.0.1:${closed}`, auth: { apiToken: okta.apiToken } }).listMethods(user),
      'unavailable',
    );
    const silent = net.createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    try {
      const started = Date.now();
      const slow = provider(
        { kind: 'okta', orgUrl: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, auth: { apiToken: okta.apiToken } },
        300,
      );
      await expectProviderError(slow.poll!({ userId: user.ref, factorId: 'opf1', transactionId: 'v2mst.x' }, 1_000), 'unavailable');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });
});

describe('private-key OAuth (service app)', () => {
  const oauth = (app: { clientId: string; privateKeyPem: string; keyId?: string; scopes: string[] }): OktaConfig => ({
    kind: 'okta',
    orgUrl: okta.url,
    auth: { clientId: app.clientId, privateKeyPem: app.privateKeyPem, ...(app.keyId ? { keyId: app.keyId } : {}), scopes: app.scopes },
  });

  it('gets a token with a signed client assertion and runs the whole push with Bearer', async () => {
    const p = provider(oauth(okta.createServiceApp()));
    okta.state.setOutcome(PRIYA, 'approve');
    const user = await userFor(PRIYA, p);
    const started = await p.start(user, await pushMethod(user, p), CTX);
    expect(started.binding?.kind).toBe('number_challenge');
    expect(await p.poll!(started.providerState, 1_000)).toEqual({ state: 'verified' });
    expect(okta.requests().length).toBeGreaterThanOrEqual(4);
    expect(okta.requests().every((e) => e.headers.authorization === 'Bearer ***')).toBe(true);
  });

  it("a key that is not the app's, or missing scopes → misconfigured", async () => {
    const app = okta.createServiceApp();
    const other = okta.createServiceApp();
    const forged = provider(oauth({ ...app, privateKeyPem: other.privateKeyPem }));
    await expectProviderError(forged.resolveUser({ email: PRIYA, phone: null, name: null }), 'misconfigured');
    const greedy = provider(
      oauth({ ...okta.createServiceApp({ scopes: ['okta.users.read'] }), scopes: ['okta.users.read', 'okta.users.manage'] }),
    );
    await expectProviderError(greedy.resolveUser({ email: PRIYA, phone: null, name: null }), 'misconfigured');
    const readOnly = provider(oauth(okta.createServiceApp({ scopes: ['okta.users.read'] })));
    const user = await userFor(PRIYA, readOnly);
    await expectProviderError(readOnly.start(user, await pushMethod(user, readOnly), CTX), 'misconfigured');
    const garbage = provider(oauth({ ...app, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' }));
    await expectProviderError(garbage.resolveUser({ email: PRIYA, phone: null, name: null }), 'misconfigured');
  });
});

describe('isolation from ~/.okta/okta.yaml, ./okta.yaml and OKTA_CLIENT_*', () => {
  it('the poison is live: a client built the SDK way picks it up', () => {
    const naive = new Client({ orgUrl: okta.url, token: okta.apiToken });
    expect(naive.authorizationMode).toBe('PrivateKey');
    expect(naive.clientId).toBe('poisoned-env-client');
    expect(naive.http.defaultHeaders['User-Agent']).toContain('poisoned-yaml-agent');
  });

  it('the provider passes every setting itself: nothing from the host leaks in', () => {
    const sswsClient = oktaClient(ssws(), 5_000, outbound);
    expect(sswsClient.authorizationMode).toBe('SSWS');
    expect(sswsClient.baseUrl).toBe(okta.url);
    expect(sswsClient.apiToken).toBe(okta.apiToken);
    expect(sswsClient.oauth).toBeUndefined();
    expect(sswsClient.http.defaultHeaders.Authorization).toBe(`SSWS ${okta.apiToken}`);
    expect(sswsClient.http.defaultHeaders['User-Agent']).toMatch(/^vouchsafe @okta\/okta-sdk-nodejs\//);
    const app = okta.createServiceApp();
    const keyClient = oktaClient(
      { kind: 'okta', orgUrl: okta.url, auth: { clientId: app.clientId, privateKeyPem: app.privateKeyPem, scopes: app.scopes } },
      5_000,
      outbound,
    );
    expect(keyClient.authorizationMode).toBe('PrivateKey');
    expect([keyClient.clientId, keyClient.keyId, keyClient.scopes, keyClient.privateKey]).toEqual([
      app.clientId,
      '',
      app.scopes,
      app.privateKeyPem,
    ]);
    expect(keyClient.http.defaultHeaders.Authorization).toBeUndefined();
    expect(JSON.stringify([sswsClient.http.defaultHeaders, keyClient.http.defaultHeaders])).not.toContain('poison');
  });
});
