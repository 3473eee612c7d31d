import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, openSecret } from '@vouchsafe/crypto';
import { startApi, type ApiProcess } from '@vouchsafe/test-support';
import { generateKeyEntry } from '../../src/modules/keys/keyring';
import { api } from '../harness';
import { SLUGS, cli, from, sendVerifiedOnly, setPolicy, sidebar, startAttackWorld, zendeskSidebar, type AttackWorld } from './attack-world';

/**
 * Issue 8 item 6: following the README's key rotation (new key first everywhere → `vouchsafe keys rotate` → remove
 * the old key) used to make verified-only secrets sent before the rotation impossible to open (their requester key
 * was an HMAC under the old KEK) and reset every customer's push limit. Here the steps run for real: production API
 * processes restarted with each keyring, and the CLI doing the re-wrap.
 */

const K1 = generateKeyEntry('k1');
const K2 = generateKeyEntry('k2');

let w: AttackWorld;
let current: ApiProcess | undefined;
beforeAll(async () => {
  w = await startAttackWorld({
    env: { VOUCHSAFE_KEYS: K1 },
    policy: { methods: ['okta_push', 'oidc'], recentFactorHours: 0, pushLimit: { count: 2, windowSeconds: 3600, cooldownSeconds: 3600 } },
  });
}, 120_000);
afterAll(async () => {
  await current?.stop();
  await w?.close();
});

/** Stops whatever runs now and starts one production process with this keyring. */
async function restartWith(keys: string): Promise<ApiProcess> {
  await Promise.all([w.a.stop(), w.b.stop(), current?.stop()]);
  current = await startApi({ databaseUrl: w.database.url, env: { ...w.env, VOUCHSAFE_KEYS: keys } });
  return current;
}

describe('key rotation, the README way, end to end', () => {
  it('a verified-only secret sent before the rotation still opens after the old key is removed, and push limits keep counting', async () => {
    // Before: the requester of ticket 0 (Priya) gets a verified-only secret; Lukas (ticket 1) gets his two pushes.
    const [priyaTicket, lukasTicket] = w.desks.state.zendesk.tickets;
    const priya = await zendeskSidebar(w, priyaTicket!.ticketId);
    const sent = await sendVerifiedOnly(w.a.url, priya, 'sent before the rotation');
    w.okta.state.setOutcome(w.desks.state.person('zendesk', lukasTicket!.requesterId)!.email!, 'manual');
    const lukas = await zendeskSidebar(w, lukasTicket!.ticketId);
    for (let i = 0; i < 2; i += 1) {
      const push = await sidebar(w.a.url, lukas, 'POST', '/verifications', { method: 'okta_push' });
      expect(push.status, JSON.stringify(push.json)).toBe(201);
      await sidebar(w.a.url, lukas, 'POST', `/verifications/${push.json.id}/cancel`);
    }

    // 1. The new key first on every process, the old one after it.
    let api1 = await restartWith(`${K2},${K1}`);
    // 2. Re-wrap everything under the new key.
    const rotated = await cli(['keys', 'rotate'], { DATABASE_URL: w.database.url, VOUCHSAFE_KEYS: `${K2},${K1}` });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/Rotation complete/);
    const left = await w.db.selectFrom('tenant_keys').select('kid').execute();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((k) => k.kid === 'k2')).toBe(true);
    // 3. Only then remove the old key.
    api1 = await restartWith(K2);

    // The recipient opens the old secret: sign-in, grant, reveal.
    const { keyCheck } = sent;
    const start = await api(
      api1.url,
      'POST',
      `/api/v1/t/${SLUGS.zendesk}/secrets/${sent.id}/verify`,
      { method: 'oidc', keyCheck },
      from('203.0.113.7'),
    );
    expect(start.status, JSON.stringify(start.json)).toBe(200);
    const query = await w.oidc.signIn(start.json.url);
    const callback = new URL(`${api1.url}/verify/callback/oidc`);
    for (const [k, v] of Object.entries(query)) callback.searchParams.set(k, v);
    const back = await fetch(callback, { redirect: 'manual' });
    expect(back.status).toBe(303);
    const grant = new URL(back.headers.get('location')!, api1.url).searchParams.get('grant');
    expect(grant).toBeTruthy();
    const revealed = await api(
      api1.url,
      'POST',
      `/api/v1/t/${SLUGS.zendesk}/secrets/${sent.id}/reveal`,
      { keyCheck, grant },
      from('203.0.113.7'),
    );
    expect(revealed.status, JSON.stringify(revealed.json)).toBe(200);
    const payload = await openSecret(fromBase64Url(revealed.json.ciphertext), sent.linkKey);
    expect(payload).toEqual({ kind: 'text', text: 'sent before the rotation' });

    // Lukas's window did not restart: a third push inside the hour is refused.
    const lukasAgain = await zendeskSidebar(w, lukasTicket!.ticketId, 0, api1.url);
    const third = await sidebar(api1.url, lukasAgain, 'POST', '/verifications', { method: 'okta_push' });
    expect(third.status, JSON.stringify(third.json)).toBe(429);
    await setPolicy({ ...w, a: api1 }, 'zendesk', { methods: ['okta_push', 'oidc'], recentFactorHours: 0 });
  });
});
