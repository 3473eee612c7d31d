import { describe, expect, it } from 'vitest';
import { Keyring, generateKeyEntry } from '../keys/keyring';
import { parseKeyring } from '../../config';
import { ABSOLUTE_SECONDS, IDLE_SECONDS, createOperatorTokens } from './operator-session';

const keyring = (kid = 'k1') => new Keyring(parseKeyring(generateKeyEntry(kid)));
const T0 = 1_900_000_000;
const who = { subject: 'acct-1', label: 'Rita Reviewer', roles: ['auditor' as const] };
const pending = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeVerifier: 'v'.repeat(64), returnTo: '/review/' };

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (s: number) => (now += s) };
}

describe('operator session tokens', () => {
  it('are encrypted: neither the subject, the label nor the CSRF token can be read from the cookie', async () => {
    const { token, session } = await createOperatorTokens(keyring()).mintSession(who);
    const readable = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    expect(readable).not.toContain('acct-1');
    expect(readable).not.toContain('Rita');
    expect(readable).not.toContain(session.csrfToken);
  });

  it('end after 30 idle minutes; a refresh slides the idle end but never past 8 hours after sign-in', async () => {
    const c = clock();
    const tokens = createOperatorTokens(keyring(), { now: c.now });
    const first = await tokens.mintSession(who);
    expect(first.session.idleExpiresAt).toBe(T0 + IDLE_SECONDS);
    expect(first.session.expiresAt).toBe(T0 + ABSOLUTE_SECONDS);
    c.advance(IDLE_SECONDS + 6);
    expect(await tokens.openSession(first.token)).toBeUndefined();

    const d = clock();
    const sliding = createOperatorTokens(keyring(), { now: d.now });
    let current = await sliding.mintSession(who);
    expect(sliding.shouldRefresh(current.session)).toBe(false);
    // Used every 25 minutes: alive until the absolute end, then gone whatever the idle end says.
    while (d.now() + 25 * 60 < T0 + ABSOLUTE_SECONDS) {
      d.advance(25 * 60);
      const open = await sliding.openSession(current.token);
      expect(open).toBeDefined();
      // Nothing to slide once the idle end has reached the absolute end.
      expect(sliding.shouldRefresh(open!)).toBe(open!.idleExpiresAt < open!.expiresAt);
      current = await sliding.mintSession(open!);
      expect(current.session.csrfToken).toBe(open!.csrfToken);
      expect(current.session.signedInAt).toBe(T0);
    }
    expect(current.session.idleExpiresAt).toBeLessThanOrEqual(T0 + ABSOLUTE_SECONDS);
    d.advance(T0 + ABSOLUTE_SECONDS - d.now());
    expect(await sliding.openSession(current.token)).toBeUndefined();
  });

  it('refuse a sign-in token as a session and the other way round, and tokens under another keyring', async () => {
    const ring = keyring();
    const tokens = createOperatorTokens(ring);
    const signIn = await tokens.sealSignIn(pending);
    const { token } = await tokens.mintSession(who);
    expect(await tokens.openSession(signIn)).toBeUndefined();
    expect(await tokens.openSignIn(token)).toBeUndefined();
    expect(await tokens.openSignIn(signIn)).toEqual(pending);
    expect(await tokens.openSession(token)).toMatchObject(who);
    const stranger = createOperatorTokens(keyring());
    expect(await stranger.openSession(token)).toBeUndefined();
    expect(await stranger.openSignIn(signIn)).toBeUndefined();
  });

  it('survive a key rotation (the old kid stays readable) and fail on a tampered byte', async () => {
    const oldEntry = generateKeyEntry('old');
    const before = createOperatorTokens(new Keyring(parseKeyring(oldEntry)));
    const { token } = await before.mintSession(who);
    const after = createOperatorTokens(new Keyring(parseKeyring(`${generateKeyEntry('new')},${oldEntry}`)));
    expect(await after.openSession(token)).toMatchObject(who);
    const parts = token.split('.');
    const body = parts[3]!;
    parts[3] = `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    expect(await after.openSession(parts.join('.'))).toBeUndefined();
  });

  it('let sign-in state expire after 10 minutes', async () => {
    const c = clock();
    const tokens = createOperatorTokens(keyring(), { now: c.now });
    const signIn = await tokens.sealSignIn(pending);
    c.advance(10 * 60 + 6);
    expect(await tokens.openSignIn(signIn)).toBeUndefined();
  });
});
