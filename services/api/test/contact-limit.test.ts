import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { VerificationPolicySchema } from '@vouchsafe/contracts';
import { createRequesterKeyring, type RequesterKeys } from '../src/lib/requester-key';
import { createTenantKeys } from '../src/modules/keys/tenant-keys';
import { checkContactLimit, reserveContactAlone, type ContactChannel } from '../src/modules/policy/contact-limit';
import { startTestApp, type TestApp } from './harness';

/** Per-customer push and contact limits on real Postgres: counting, cooldown, and concurrent reservations. */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const policy = VerificationPolicySchema.parse({ methods: ['okta_push'] }); // 3 per 600 s, then 900 s cooldown
const T0 = new Date('2026-11-25T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const keyOf = async (email: string): Promise<RequesterKeys> =>
  (await createRequesterKeyring(t.keyring, createTenantKeys(t.db, t.keyring)).keysFor(DEFAULT_TENANT_ID, { email }))!;
const reserve = (keys: RequesterKeys, now: Date, channel: ContactChannel = 'push', p = policy) =>
  reserveContactAlone(t.db, { tenantId: DEFAULT_TENANT_ID, keys, verificationId: randomUUID(), channel, policy: p, now });
const check = (keys: RequesterKeys, now: Date, channel: ContactChannel = 'push', p = policy) =>
  checkContactLimit(t.db, DEFAULT_TENANT_ID, keys, channel, p, now);

describe('push limit', () => {
  it('allows three pushes in ten minutes, then refuses until the cooldown after the third has passed', async () => {
    const key = await keyOf('limit-1@example.com');
    expect(await check(key, T0)).toEqual({ count: 0, retryAfterSeconds: null });
    expect(await reserve(key, at(0))).toEqual({ isReserved: true, count: 1, retryAfterSeconds: null });
    expect((await reserve(key, at(60))).isReserved).toBe(true);
    expect(await reserve(key, at(120))).toEqual({ isReserved: true, count: 3, retryAfterSeconds: null });
    expect(await check(key, at(180))).toEqual({ count: 3, retryAfterSeconds: 120 + 900 - 180 });
    expect(await reserve(key, at(180))).toEqual({ isReserved: false, count: 3, retryAfterSeconds: 840 });
    // The window alone has passed (600 s after the first) but the cooldown has not.
    expect((await reserve(key, at(700))).isReserved).toBe(false);
    expect(await check(key, at(1019))).toMatchObject({ retryAfterSeconds: 1 });
    expect(await reserve(key, at(1020))).toEqual({ isReserved: true, count: 1, retryAfterSeconds: null });
    const rows = await t.db.selectFrom('push_attempts').select('sent_at').where('requester_key', '=', key.primary).execute();
    expect(rows).toHaveLength(4);
  });

  it('does not trip when pushes are spread wider than the window, and counts per customer and tenant', async () => {
    const key = await keyOf('limit-2@example.com');
    for (const s of [0, 400, 800, 1200, 1600]) expect((await reserve(key, at(s))).isReserved, String(s)).toBe(true);
    expect(await check(key, at(1700))).toEqual({ count: 2, retryAfterSeconds: null });
    expect((await check(await keyOf('someone-else@example.com'), at(1700))).count).toBe(0);
  });

  it('lets exactly `count` of many concurrent pushes through (agents racing on one customer)', async () => {
    const key = await keyOf('limit-3@example.com');
    const now = at(5000);
    const results = await Promise.all(Array.from({ length: 12 }, () => reserve(key, now)));
    expect(results.filter((r) => r.isReserved)).toHaveLength(3);
    const refused = results.filter((r) => !r.isReserved);
    expect(refused.every((r) => r.retryAfterSeconds === 900 && r.count === 3)).toBe(true);
    expect(await t.db.selectFrom('push_attempts').select('sent_at').where('requester_key', '=', key.primary).execute()).toHaveLength(3);
  });

  it('counts pushes stamped a little later than this request (clocks and lock waits differ between requests)', async () => {
    const key = await keyOf('limit-5@example.com');
    const results = [];
    for (const ms of [40, 30, 20, 10]) results.push(await reserve(key, new Date(at(9000).getTime() + ms)));
    expect(results.map((r) => r.isReserved)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ count: 3, retryAfterSeconds: 901 });
  });

  it('honours a stricter policy immediately', async () => {
    const key = await keyOf('limit-4@example.com');
    const strict = VerificationPolicySchema.parse({
      methods: ['okta_push'],
      pushLimit: { count: 1, windowSeconds: 60, cooldownSeconds: 120 },
    });
    const r1 = await reserve(key, at(0), 'push', strict);
    expect(r1.isReserved).toBe(true);
    expect(await check(key, at(30), 'push', strict)).toEqual({ count: 1, retryAfterSeconds: 90 });
    expect(await check(key, at(30))).toEqual({ count: 1, retryAfterSeconds: null });
  });
});

describe('contact limit (links and codes)', () => {
  // contactLimit defaults: 5 per hour, then 900 s cooldown after the fifth.
  it('counts links and codes together, apart from pushes', async () => {
    const key = await keyOf('contact-1@example.com');
    for (const [i, channel] of (['link', 'code', 'link', 'code', 'link'] as const).entries()) {
      expect((await reserve(key, at(20_000 + i * 60), channel)).isReserved, `${channel} ${i}`).toBe(true);
    }
    expect(await reserve(key, at(20_400), 'code')).toMatchObject({ isReserved: false, count: 5 });
    expect(await check(key, at(20_400), 'link')).toMatchObject({ count: 5, retryAfterSeconds: 20_000 + 3600 - 20_400 });
    // Pushes have their own limit: none used yet.
    expect(await check(key, at(20_400), 'push')).toEqual({ count: 0, retryAfterSeconds: null });
    expect((await reserve(key, at(20_400), 'push')).isReserved).toBe(true);
  });

  it('lets exactly `count` of many concurrent link starts through', async () => {
    const key = await keyOf('contact-2@example.com');
    const results = await Promise.all(Array.from({ length: 12 }, () => reserve(key, at(30_000), 'link')));
    expect(results.filter((r) => r.isReserved)).toHaveLength(5);
  });

  it('counts contacts stored under an older (legacy) key of the same customer', async () => {
    const key = await keyOf('contact-3@example.com');
    const legacy: RequesterKeys = { primary: key.candidates[1]!, candidates: [key.candidates[1]!] };
    for (let i = 0; i < 3; i += 1) expect((await reserve(legacy, at(40_000 + i), 'push')).isReserved).toBe(true);
    expect(await reserve(key, at(40_010), 'push')).toMatchObject({ isReserved: false, count: 3 });
  });
});
