import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERIFICATION_METHODS, VerificationPolicySchema, type VerificationMethod, type VerificationPolicy } from '@vouchsafe/contracts';
import { evaluateMethods, type EvaluationContext, type MethodFacts } from './evaluate';
import { PUSH_METHODS } from './load-policy';

const NOW = new Date('2026-11-25T12:00:00Z');
const HOUR = 3600_000;
const OLD = new Date(NOW.getTime() - 90 * 24 * HOUR);

const policyOf = (p: Partial<VerificationPolicy> & { methods: VerificationMethod[] }): VerificationPolicy => ({
  ...VerificationPolicySchema.parse({ methods: p.methods }),
  ...p,
});

const ctxOf = (c: Partial<EvaluationContext> = {}): EvaluationContext => ({
  configuredMethods: [...VERIFICATION_METHODS],
  facts: {},
  hasEmail: true,
  phone: { isUsable: true },
  pushLimit: { count: 0, retryAfterSeconds: null },
  contactLimit: { count: 0, retryAfterSeconds: null },
  now: NOW,
  ...c,
});

const listed: MethodFacts = { isListed: true, createdAt: OLD, updatedAt: OLD };

describe('evaluateMethods', () => {
  it('offers the policy methods in policy order when everything is in place', () => {
    const options = evaluateMethods(policyOf({ methods: ['oidc', 'okta_push', 'callback_sms'] }), ctxOf({ facts: { okta_push: listed } }));
    expect(options.map((o) => [o.method, o.isAvailable, o.isFallback])).toEqual([
      ['oidc', true, false],
      ['okta_push', true, false],
      ['callback_sms', true, false],
    ]);
    expect(options.every((o) => o.reason === null && o.label.length > 0)).toBe(true);
  });

  it('says why a method is unavailable, one sentence each', () => {
    const options = evaluateMethods(
      policyOf({ methods: ['okta_push', 'duo_push', 'oidc', 'callback_voice'] }),
      ctxOf({
        configuredMethods: ['okta_push', 'duo_push', 'oidc', 'callback_voice'],
        facts: { okta_push: { isListed: false }, duo_push: { isListed: true, createdAt: new Date(NOW.getTime() - 2 * HOUR) } },
        hasEmail: false,
        phone: { isUsable: false, reason: 'There is no phone number on record to call back.' },
      }),
    );
    expect(options.map((o) => o.reason)).toEqual([
      'Okta lists no such factor for this caller.',
      'A factor changed in the last 24 hours is not enough on its own.',
      'There is no email on record to send the link to.',
      'There is no phone number on record to call back.',
    ]);
    expect(options.some((o) => o.isAvailable)).toBe(false);
  });

  it('refuses methods whose IdP is not connected, and uses the reason the IdP lookup gave', () => {
    const options = evaluateMethods(
      policyOf({ methods: ['okta_push', 'callback_sms'] }),
      ctxOf({
        configuredMethods: ['okta_push'],
        facts: { okta_push: { isListed: false, reason: 'Okta has no user with the email on record.' } },
      }),
    );
    expect(options.map((o) => o.reason)).toEqual([
      'Okta has no user with the email on record.',
      'Twilio Verify is not connected for this help desk.',
    ]);
  });

  it('blocks pushes at the limit with the clear sentence, but not links or callbacks', () => {
    const options = evaluateMethods(
      policyOf({ methods: ['okta_push', 'duo_push', 'oidc'] }),
      ctxOf({ pushLimit: { count: 3, retryAfterSeconds: 14 * 60 + 5 } }),
    );
    expect(options[0]!.reason).toBe('This customer has had 3 pushes in 10 minutes; try again in 15 minutes or use another method.');
    expect(options[1]!.isAvailable).toBe(false);
    expect(options[2]!.isAvailable).toBe(true);
  });

  it('blocks links and callback codes at the contact limit with their own sentence, but not pushes', () => {
    const options = evaluateMethods(
      policyOf({ methods: ['okta_push', 'oidc', 'duo_universal', 'callback_sms', 'callback_voice'] }),
      ctxOf({ contactLimit: { count: 5, retryAfterSeconds: 600 } }),
    );
    expect(options.map((o) => o.isAvailable)).toEqual([true, false, false, false, false]);
    expect(options[1]!.reason).toBe(
      'This customer has been sent 5 links or codes in 60 minutes; try again in 10 minutes or use another method.',
    );
  });

  it('gives the reason method-options found when no phone on record may receive a code', () => {
    const reason = 'The help desk’s phone number changed in the last 30 days, so it cannot receive a code.';
    const options = evaluateMethods(policyOf({ methods: ['callback_sms', 'oidc'] }), ctxOf({ phone: { isUsable: false, reason } }));
    expect(options.map((o) => [o.isAvailable, o.reason])).toEqual([
      [false, reason],
      [true, null],
    ]);
  });

  it('treats an updated factor like a new one, and recentFactorHours 0 disables the guard', () => {
    const changed: MethodFacts = { isListed: true, createdAt: OLD, updatedAt: new Date(NOW.getTime() - HOUR) };
    expect(
      evaluateMethods(policyOf({ methods: ['okta_push'], recentFactorHours: 48 }), ctxOf({ facts: { okta_push: changed } }))[0]!.reason,
    ).toBe('A factor changed in the last 48 hours is not enough on its own.');
    expect(
      evaluateMethods(policyOf({ methods: ['okta_push'], recentFactorHours: 0 }), ctxOf({ facts: { okta_push: changed } }))[0]!.isAvailable,
    ).toBe(true);
  });

  it('offers the fallback when the listing is missing the push factor (listings may be incomplete)', () => {
    const policy = policyOf({ methods: ['okta_push'], fallbackMethod: 'okta_push' });
    const options = evaluateMethods(policy, ctxOf({ facts: { okta_push: { isListed: false } } }));
    expect(options).toEqual([{ method: 'okta_push', label: 'Okta Verify push', isAvailable: true, reason: null, isFallback: true }]);
  });

  it('appends a fallback outside the list only when nothing preferred is available', () => {
    const policy = policyOf({ methods: ['okta_push', 'duo_push'], fallbackMethod: 'callback_sms' });
    const none = evaluateMethods(policy, ctxOf({ facts: { okta_push: { isListed: false }, duo_push: { isListed: false } } }));
    expect(none.map((o) => [o.method, o.isAvailable, o.isFallback])).toEqual([
      ['okta_push', false, false],
      ['duo_push', false, false],
      ['callback_sms', true, true],
    ]);
    const some = evaluateMethods(policy, ctxOf({ facts: { okta_push: { isListed: false } } }));
    expect(some.map((o) => o.method)).toEqual(['okta_push', 'duo_push']);
  });

  it('never lets the fallback bypass the push limit or the recent-factor guard', () => {
    const policy = policyOf({ methods: ['okta_push'], fallbackMethod: 'okta_push' });
    const limited = evaluateMethods(
      policy,
      ctxOf({ facts: { okta_push: { isListed: false } }, pushLimit: { count: 3, retryAfterSeconds: 60 } }),
    );
    expect(limited[0]).toMatchObject({ isAvailable: false, isFallback: true });
    expect(limited[0]!.reason).toContain('try again in 1 minute or use another method');
    const recent = evaluateMethods(policy, ctxOf({ facts: { okta_push: { isListed: true, createdAt: NOW } } }));
    expect(recent[0]).toMatchObject({ isAvailable: false });
  });
});

// ---- properties ----

const methodArb = fc.constantFrom(...VERIFICATION_METHODS);
const policyArb = fc
  .record({
    methods: fc.uniqueArray(methodArb, { minLength: 1, maxLength: VERIFICATION_METHODS.length }),
    fallbackMethod: fc.option(methodArb, { nil: null }),
    recentFactorHours: fc.integer({ min: 0, max: 72 }),
    pushLimit: fc.record({
      count: fc.integer({ min: 1, max: 20 }),
      windowSeconds: fc.integer({ min: 60, max: 86_400 }),
      cooldownSeconds: fc.integer({ min: 60, max: 86_400 }),
    }),
  })
  .map((p) => policyOf(p));
const dateArb = fc.option(
  fc.integer({ min: -200 * 24, max: 0 }).map((h) => new Date(NOW.getTime() + h * HOUR)),
  { nil: null },
);
const factsArb: fc.Arbitrary<MethodFacts> = fc.record({ isListed: fc.boolean(), createdAt: dateArb, updatedAt: dateArb });
const ctxArb = fc.record({
  configuredMethods: fc.subarray([...VERIFICATION_METHODS]),
  facts: fc.dictionary(methodArb, factsArb),
  hasEmail: fc.boolean(),
  phone: fc.constantFrom<EvaluationContext['phone']>({ isUsable: true }, { isUsable: false, reason: 'The desk number changed recently.' }),
  pushLimit: fc.record({ count: fc.nat(30), retryAfterSeconds: fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: null }) }),
  contactLimit: fc.record({ count: fc.nat(30), retryAfterSeconds: fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: null }) }),
  now: fc.constant(NOW),
});

const isRecent = (f: MethodFacts | undefined, hours: number) =>
  hours > 0 && f !== undefined && [f.createdAt, f.updatedAt].some((d) => d instanceof Date && d.getTime() > NOW.getTime() - hours * HOUR);

describe('evaluateMethods properties', () => {
  it('never offers a method outside the policy (fallback included), and keeps policy order', () => {
    fc.assert(
      fc.property(policyArb, ctxArb, (policy, ctx) => {
        const options = evaluateMethods(policy, ctx);
        const allowed = new Set<VerificationMethod>([...policy.methods, ...(policy.fallbackMethod ? [policy.fallbackMethod] : [])]);
        expect(options.every((o) => allowed.has(o.method))).toBe(true);
        expect(options.slice(0, policy.methods.length).map((o) => o.method)).toEqual(policy.methods);
        expect(options.length - policy.methods.length).toBeLessThanOrEqual(1);
        expect(new Set(options.map((o) => o.method)).size).toBe(options.length);
      }),
    );
  });

  it('never marks available an unconnected method, a push while push-limited, a link or code while contact-limited, a recent factor, or a link/callback without a contact', () => {
    fc.assert(
      fc.property(policyArb, ctxArb, (policy, ctx) => {
        for (const o of evaluateMethods(policy, ctx)) {
          if (!o.isAvailable) {
            expect(o.reason).toMatch(/^[A-Z].*\.$/);
            continue;
          }
          expect(o.reason).toBeNull();
          expect(ctx.configuredMethods).toContain(o.method);
          if (PUSH_METHODS.includes(o.method)) expect(ctx.pushLimit.retryAfterSeconds).toBeNull();
          else expect(ctx.contactLimit.retryAfterSeconds).toBeNull();
          expect(isRecent(ctx.facts[o.method], policy.recentFactorHours)).toBe(false);
          if (o.method === 'oidc' || o.method === 'duo_universal') expect(ctx.hasEmail).toBe(true);
          if (o.method === 'callback_sms' || o.method === 'callback_voice') expect(ctx.phone.isUsable).toBe(true);
        }
      }),
    );
  });

  it('uses the fallback only when no preferred method is available, and a not-listed method only as fallback', () => {
    fc.assert(
      fc.property(policyArb, ctxArb, (policy, ctx) => {
        const options = evaluateMethods(policy, ctx);
        const fallbacks = options.filter((o) => o.isFallback);
        const preferredAvailable = options.filter((o) => o.isAvailable && !o.isFallback);
        if (fallbacks.length > 0) {
          expect(fallbacks).toHaveLength(1);
          expect(fallbacks[0]!.method).toBe(policy.fallbackMethod);
          expect(preferredAvailable).toHaveLength(0);
        }
        for (const o of preferredAvailable) expect(ctx.facts[o.method]?.isListed ?? true).toBe(true);
      }),
    );
  });

  it('is deterministic and does not change its inputs', () => {
    fc.assert(
      fc.property(policyArb, ctxArb, (policy, ctx) => {
        const before = JSON.stringify([policy, ctx]);
        expect(evaluateMethods(policy, ctx)).toEqual(evaluateMethods(policy, ctx));
        expect(JSON.stringify([policy, ctx])).toBe(before);
      }),
    );
  });
});
