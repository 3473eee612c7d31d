import { IdpConfigSchema, VerificationPolicySchema } from '@vouchsafe/contracts';
import { startTwilioStandIn, type StartedTwilioStandIn } from '@vouchsafe/test-support/idps';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound } from '../../lib/outbound';
import { ProviderError, type IdpUser, type VerificationProvider } from '../provider.types';
import { toE164 } from './phone';
import { createTwilioProvider, type TwilioConfig } from './twilio.provider';

// The stand-in is plain http on 127.0.0.1: the development policy.
const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });

const CTX = {
  verificationId: '00000000-0000-4000-8000-000000000001',
  callbackUrl: 'http://127.0.0.1:9/verify/callback/twilio',
  displayContext: '',
};
const PHONE = '+15550199101';

let twilio: StartedTwilioStandIn;
let provider: VerificationProvider;
let user: IdpUser;

function configFor(overrides: Partial<TwilioConfig> = {}): TwilioConfig {
  const config = IdpConfigSchema.parse({ ...twilio.config, ...overrides });
  if (config.kind !== 'twilio') throw new Error('not twilio');
  return config;
}

beforeAll(async () => {
  twilio = await startTwilioStandIn();
  provider = createTwilioProvider(configFor(), {
    timeoutMs: 5_000,
    outbound,
    policy: VerificationPolicySchema.parse({ methods: ['callback_sms'], callbackMaxCodeAttempts: 4 }),
  });
  const resolved = await provider.resolveUser({ email: 'priya.natarajan@customer.test', phone: '+1 555 0199 101', name: 'Priya' });
  if (!resolved) throw new Error('no user');
  user = resolved;
});
afterAll(() => twilio.close());
afterEach(() => twilio.reset());

describe('Twilio Verify callback provider against the stand-in', () => {
  it('sends an SMS code to the E.164 number on record and verifies the right code once', async () => {
    expect(user.phone).toBe(PHONE);
    expect(await provider.listMethods(user)).toEqual([{ method: 'callback_sms' }, { method: 'callback_voice' }]);
    const start = await provider.start(user, { method: 'callback_sms' }, CTX);
    expect(start.binding).toEqual({ kind: 'callback_code', sentTo: '***01', channel: 'sms', attemptsLeft: 4 });
    expect(start.idpRef).toMatch(/^VE[0-9a-f]{32}$/);
    expect(JSON.stringify(start.providerState)).not.toContain('0199');
    expect(twilio.log[0]).toMatchObject({
      method: 'POST',
      path: expect.stringMatching(/\/Verifications$/),
      form: { To: PHONE, Channel: 'sms' },
      status: 201,
    });

    const code = twilio.lastCode(PHONE);
    expect(code).toMatch(/^\d{6}$/);
    expect(await provider.complete!(start.providerState, { code: code! })).toEqual({ state: 'verified' });
    // Twilio deletes an approved verification: the same code cannot pass twice.
    expect(await provider.complete!(start.providerState, { code: code! })).toMatchObject({ state: 'failed' });
  });

  it('calls with a voice code on callback_voice', async () => {
    const start = await provider.start(user, { method: 'callback_voice' }, CTX);
    expect(start.binding).toMatchObject({ channel: 'voice' });
    expect(twilio.messages()).toEqual([expect.objectContaining({ channel: 'call', to: PHONE })]);
  });

  it('keeps waiting on a wrong code, then verifies the right one', async () => {
    const start = await provider.start(user, { method: 'callback_sms' }, CTX);
    const code = twilio.lastCode(start.idpRef)!;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await provider.complete!(start.providerState, { code: wrong })).toEqual({ state: 'waiting' });
    expect(await provider.complete!(start.providerState, { code })).toEqual({ state: 'verified' });
  });

  it('fails once Twilio stops accepting codes after too many wrong ones', async () => {
    const start = await provider.start(user, { method: 'callback_sms' }, CTX);
    const code = twilio.lastCode(start.idpRef)!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) await provider.complete!(start.providerState, { code: wrong });
    expect(await provider.complete!(start.providerState, { code })).toEqual({
      state: 'failed',
      reason: expect.stringMatching(/Too many wrong codes/),
    });
  });

  it('cancels the verification at Twilio; its code no longer works', async () => {
    const start = await provider.start(user, { method: 'callback_sms' }, CTX);
    await provider.cancel(start.providerState);
    expect(twilio.verification(start.idpRef)?.status).toBe('canceled');
    expect(twilio.log.at(-1)).toMatchObject({
      path: `/v2/Services/${twilio.config.serviceSid}/Verifications/${start.idpRef}`,
      form: { Status: 'canceled' },
      status: 200,
    });
    expect(await provider.complete!(start.providerState, { code: twilio.lastCode(start.idpRef)! })).toMatchObject({ state: 'failed' });
    // Cancelling again (Twilio 404s a finished verification) is not an error.
    await expect(provider.cancel(start.providerState)).resolves.toBeUndefined();
  });

  it('reports an expired code as timed out', async () => {
    const start = await provider.start(user, { method: 'callback_sms' }, CTX);
    twilio.expire(start.idpRef);
    const tenMinutesAgo = { ...start.providerState, sentAt: Date.now() - 10 * 60 * 1000 - 1 };
    expect(await provider.complete!(tenMinutesAgo, { code: twilio.lastCode(start.idpRef)! })).toEqual({ state: 'timed_out' });
  });

  it('rejects wrong credentials as misconfigured, without the phone number in the error', async () => {
    const bad = createTwilioProvider(configFor({ authToken: 'not-the-right-token' }), { timeoutMs: 5_000, outbound });
    const error = await bad.start(user, { method: 'callback_sms' }, CTX).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'misconfigured', status: 401 });
    expect(String((error as Error).message)).not.toMatch(/0199|555/);
    expect(twilio.log.at(-1)).toMatchObject({ status: 401 });
  });

  it('has no user without a number in international format, and never sends to one', async () => {
    expect(await provider.resolveUser({ email: 'a@b.test', phone: '555 0199', name: null })).toBeUndefined();
    expect(await provider.resolveUser({ email: 'a@b.test', phone: null, name: null })).toBeUndefined();
    const error = await provider
      .start({ ref: 'x', email: null, phone: '0199 101' }, { method: 'callback_sms' }, CTX)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not_found' });
    expect(String((error as Error).message)).not.toContain('0199');
    expect(twilio.log).toHaveLength(0);
  });
});

describe('toE164', () => {
  it.each([
    ['+1 555 0199 101', '+15550199101'],
    ['+49 30 5550 1002', '+493055501002'],
    ['+44 (20) 7946-0103', '+442079460103'],
    ['0044 20 7946 0103', '+442079460103'],
    ['+1.555.019.9101', '+15550199101'],
  ])('%s → %s', (raw, e164) => expect(toE164(raw)).toBe(e164));

  it.each(['555 0199 101', '+0 555 0199', '+1 55', '+1234567890123456', 'call me', '', '+1 555 0199 101 ext 4'])('refuses %j', (raw) =>
    expect(toE164(raw)).toBeUndefined(),
  );
});
