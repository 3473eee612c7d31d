import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setDuoStandIn } from '@vouchsafe/test-support/duo-intercept';
import { duoPromptUrlAt, startDuoStandIn, type StartedDuoStandIn } from '@vouchsafe/test-support/idps';
import { ProviderError, type IdpUser, type MethodInfo, type StartContext } from '../provider.types';
import { createDuoProvider } from './duo.provider';

// The real Duo SDKs, talking HTTPS to api-e2e0000.duosecurity.com, rerouted in-process to the stand-in.
let duo: StartedDuoStandIn;
const PRIYA = 'priya.natarajan@customer.test';
const CTX: StartContext = {
  verificationId: '00000000-0000-4000-8000-000000000001',
  callbackUrl: 'http://127.0.0.1:9/verify/callback/duo',
  displayContext: 'Help desk call, ticket 101',
};

beforeAll(async () => {
  duo = await startDuoStandIn();
  setDuoStandIn(duo.url);
});
afterAll(async () => {
  setDuoStandIn(undefined);
  await duo.close();
});
beforeEach(() => duo.reset());

const provider = (overrides: Partial<typeof duo.config> = {}) => createDuoProvider({ ...duo.config, ...overrides }, { timeoutMs: 5_000 });

async function userFor(email = PRIYA): Promise<IdpUser> {
  const user = await provider().resolveUser({ email, phone: null, name: null });
  if (!user) throw new Error('no user');
  return user;
}

const PUSH: MethodInfo = { method: 'duo_push' };
const LINK: MethodInfo = { method: 'duo_universal' };

/** Polls like the verification module does until the answer is final. */
async function settle(state: Record<string, unknown>, maxWaitMs = 2_000) {
  for (let i = 0; i < 20; i += 1) {
    const outcome = await provider().poll!(state, maxWaitMs);
    if (outcome.state !== 'waiting') return outcome;
  }
  throw new Error('still waiting');
}

function lastAuthCall(path: string) {
  return duo.log.filter((e) => e.api === 'auth' && e.path === path).at(-1);
}

describe('duo_push', () => {
  it('resolves the requester by email (lower-cased) and lists push and the prompt for an enrolled user', async () => {
    const user = await provider().resolveUser({ email: '  Priya.Natarajan@Customer.test ', phone: '+1', name: 'P' });
    expect(user).toEqual({ ref: PRIYA, email: '  Priya.Natarajan@Customer.test ', phone: null });
    expect(await provider().resolveUser({ email: null, phone: '+1', name: null })).toBeUndefined();
    expect(await provider().listMethods(await userFor())).toEqual([{ method: 'duo_push' }, { method: 'duo_universal' }]);
    expect(lastAuthCall('/auth/v2/preauth')?.params).toMatchObject({ username: PRIYA, client_supports_verified_push: '1' });
    expect(createDuoProvider({ ...duo.config, universal: undefined }, { timeoutMs: 1_000 }).methods).toEqual(['duo_push']);
  });

  it.each([
    ['enroll', 'not enrolled'],
    ['deny', 'refuses this caller'],
    ['allow', 'bypass'],
  ] as const)('preauth %s: nothing is available, with a reason', async (preauth, reason) => {
    duo.setUser(PRIYA, { preauth });
    const listed = await provider().listMethods(await userFor());
    expect(listed.map((m) => m.method)).toEqual(['duo_push', 'duo_universal']);
    for (const m of listed) expect(m.unavailableReason).toContain(reason);
    await expect(provider().start(await userFor(), listed[0]!, CTX)).rejects.toBeInstanceOf(ProviderError);
  });

  it('a user Duo does not know gets the new-user policy answer (enroll here), not a pass', async () => {
    const listed = await provider().listMethods(await userFor('nobody@customer.test'));
    expect(listed.every((m) => m.unavailableReason)).toBe(true);
  });

  it('a user without a push-capable device cannot be pushed', async () => {
    duo.setUser(PRIYA, { devices: [{ device: 'DPX', type: 'token', name: 'token', number: '', capabilities: ['mobile_otp'] }] });
    const [push, link] = await provider().listMethods(await userFor());
    expect(push?.unavailableReason).toContain('no Duo Mobile device');
    expect(link?.unavailableReason).toBeUndefined();
  });

  it('approve: push sent async to the auto device with pushinfo, then verified', async () => {
    const started = await provider().start(await userFor(), PUSH, CTX);
    expect(started.binding).toBeNull();
    expect(started.providerState).toEqual({ txid: started.idpRef });
    expect(lastAuthCall('/auth/v2/auth')?.params).toMatchObject({ username: PRIYA, factor: 'push', device: 'auto', async: '1' });
    const tx = duo.state.transactions.get(started.idpRef);
    expect(tx?.pushinfo).toEqual({ from: 'Vouchsafe help desk', reason: CTX.displayContext });
    expect(await settle(started.providerState)).toEqual({ state: 'verified' });
  });

  it.each([
    ['deny', { state: 'denied', detail: 'customer_denied', reason: expect.stringContaining('denied') }],
    ['fraud', { state: 'denied', detail: 'reported_fraud', reason: expect.stringContaining('fraud') }],
    ['timeout', { state: 'timed_out' }],
    ['bypass', { state: 'failed', reason: expect.stringContaining('bypass') }],
    ['unknown', { state: 'failed', reason: expect.stringContaining('does not accept') }],
  ] as const)('%s', async (outcome, expected) => {
    duo.setUser(PRIYA, { outcome });
    const started = await provider().start(await userFor(), PUSH, CTX);
    expect(await settle(started.providerState)).toEqual(expected);
  });

  it('long-polls no longer than maxWaitMs, then the phone page approves', async () => {
    duo.setUser(PRIYA, { outcome: 'manual' });
    const { providerState, idpRef } = await provider().start(await userFor(), PUSH, CTX);
    const t0 = Date.now();
    expect(await provider().poll!(providerState, 400)).toEqual({ state: 'waiting' });
    expect(Date.now() - t0).toBeLessThan(2_000);
    const pending = await (await fetch(`${duo.url}/__phone/duo/pending`, { headers: { accept: 'application/json' } })).json();
    expect(pending.pending).toEqual([expect.objectContaining({ txid: idpRef, username: PRIYA, needsCode: false })]);
    const approved = await fetch(`${duo.url}/__phone/duo/${idpRef}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(approved.status).toBe(200);
    expect(await settle(providerState)).toEqual({ state: 'verified' });
  });

  it('Verified Duo Push: the code Duo shows comes back as the binding; the phone needs it to approve', async () => {
    duo.setUser(PRIYA, { outcome: 'manual', verifiedPush: true });
    await provider().listMethods(await userFor()); // preauth says the client supports Verified Push
    const started = await provider().start(await userFor(), PUSH, CTX);
    expect(started.binding).toEqual({ kind: 'verified_push', code: duo.state.transactions.get(started.idpRef)?.verifiedPushCode });
    expect(started.binding).toMatchObject({ code: expect.stringMatching(/^\d{6}$/) });
    const post = (code: string) =>
      fetch(`${duo.url}/__phone/duo/${started.idpRef}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    expect((await post('000000x')).status).toBe(400);
    expect((await post((started.binding as { code: string }).code)).status).toBe(200);
    expect(await settle(started.providerState)).toEqual({ state: 'verified' });
  });

  it('a wrong secret key is refused by Duo (bad signature) and reported as misconfigured', async () => {
    const wrong = provider({ secretKey: 'not-the-secret-key-of-this-integration00' });
    const error = await wrong.listMethods(await userFor()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('misconfigured');
    expect(lastAuthCall('/auth/v2/preauth')).toMatchObject({ status: 401, error: 40103 });
    const other = provider({ integrationKey: 'DIUNKNOWN00000000000' });
    await expect(other.listMethods(await userFor())).rejects.toMatchObject({ kind: 'misconfigured' });
    expect(lastAuthCall('/auth/v2/preauth')).toMatchObject({ status: 401, error: 40102 });
  });

  it('an unknown transaction is a rejected request, and an empty state a failure', async () => {
    await expect(provider().poll!({ txid: 'nope' }, 1_000)).rejects.toMatchObject({ kind: 'rejected' });
    expect(await provider().poll!({}, 1_000)).toMatchObject({ state: 'failed' });
  });

  it('cancel is a no-op (Duo cannot withdraw a push)', async () => {
    const started = await provider().start(await userFor(), PUSH, CTX);
    await provider().cancel(started.providerState);
  });
});

describe('duo_universal', () => {
  /** Opens the prompt link at the stand-in and presses a button; returns the callback's query. */
  async function answerPrompt(link: string, decision: 'approve' | 'deny' | 'fraud'): Promise<Record<string, string>> {
    const page = await fetch(duoPromptUrlAt(link, duo.url));
    expect(page.status).toBe(200);
    const html = await page.text();
    const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const res = await fetch(`${duo.url}/oauth/v1/decide`, {
      method: 'POST',
      body: new URLSearchParams({ pending, decision }),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(CTX.callbackUrl);
    return Object.fromEntries(back.searchParams);
  }

  it('approve: a one-time link for the user, finished by the callback', async () => {
    const started = await provider().start(await userFor(), LINK, CTX);
    expect(started.link).toMatch(/^https:\/\/api-e2e0000\.duosecurity\.com\/oauth\/v1\/authorize\?/);
    expect(started.binding).toBeNull();
    expect(started.idpRef).toBe(started.providerState.state);
    expect(String(started.idpRef)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.providerState).toMatchObject({ username: PRIYA, redirectUrl: CTX.callbackUrl });
    expect(duo.log.some((e) => e.path === '/oauth/v1/health_check' && e.status === 200)).toBe(true);
    const query = await answerPrompt(started.link!, 'approve');
    expect(query).toEqual({ duo_code: expect.any(String), state: started.idpRef });
    expect(await provider().complete!(started.providerState, query)).toEqual({ state: 'verified' });
    // The code is single use.
    expect(await provider().complete!(started.providerState, query)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('already used'),
    });
  });

  it('deny and fraud are denied', async () => {
    const a = await provider().start(await userFor(), LINK, CTX);
    expect(await provider().complete!(a.providerState, await answerPrompt(a.link!, 'deny'))).toMatchObject({
      state: 'denied',
      detail: 'customer_denied',
    });
    const b = await provider().start(await userFor(), LINK, CTX);
    expect(await provider().complete!(b.providerState, await answerPrompt(b.link!, 'fraud'))).toMatchObject({
      state: 'denied',
      detail: 'reported_fraud',
      reason: expect.stringContaining('fraud'),
    });
  });

  it('a foreign state, a missing code or another user never verify', async () => {
    const started = await provider().start(await userFor(), LINK, CTX);
    const query = await answerPrompt(started.link!, 'approve');
    expect(await provider().complete!(started.providerState, { ...query, state: 'x'.repeat(43) })).toMatchObject({ state: 'failed' });
    expect(await provider().complete!(started.providerState, { state: query.state! })).toMatchObject({ state: 'failed' });
    const other = { ...started.providerState, username: 'lukas.becker@customer.test' };
    expect(await provider().complete!(other, query)).toMatchObject({ state: 'failed', reason: expect.stringContaining('different user') });
  });

  it('a wrong client secret fails the health check as misconfigured', async () => {
    const wrong = provider({ universal: { clientId: duo.config.universal.clientId, clientSecret: 'x'.repeat(40) } });
    await expect(wrong.start(await userFor(), LINK, CTX)).rejects.toMatchObject({ kind: 'misconfigured' });
    const short = provider({ universal: { clientId: 'short', clientSecret: 'x'.repeat(40) } });
    await expect(short.start(await userFor(), LINK, CTX)).rejects.toMatchObject({ kind: 'misconfigured' });
  });
});
