import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { Keyring, generateKeyEntry } from '../keys/keyring';
import { parseKeyring } from '../../config';
import { SessionRejection, type RejectionReason } from './session-rejection';
import { createSessionTokens, sessionSigningKeys, type SessionClaims } from './session-token';

const ring = (...kids: string[]) => new Keyring(parseKeyring(kids.map((k) => generateKeyEntry(k)).join(',')));

const T0 = 1_900_000_000;
const claims = (over: Partial<SessionClaims> = {}): SessionClaims => ({
  tenantId: '6f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  desk: 'zendesk',
  ticketId: '42',
  ticketDisplayId: '#42',
  agentId: '987654',
  agentLabel: 'Jane Doe',
  tenantName: 'Acme',
  requesterLabel: 'J***@e***.com',
  chainExpiresAt: T0 + 8 * 3600,
  ...over,
});

async function reason(p: Promise<unknown>): Promise<RejectionReason> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SessionRejection) return err.reason;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('sidebar session tokens', () => {
  it('mint an HS256 JWS with a kid, at most the TTL, and verify back to the same binding', async () => {
    let t = T0;
    const tokens = createSessionTokens(ring('k2', 'k1'), { ttlSeconds: 900, now: () => t });
    const { token, expiresAt } = await tokens.mint(claims());
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: 'k2' });
    expect(expiresAt.getTime() / 1000).toBe(T0 + 900);
    t += 899;
    const s = await tokens.verify(token);
    expect(s).toMatchObject({
      tenantId: claims().tenantId,
      desk: 'zendesk',
      ticketId: '42',
      agentId: '987654',
      chainExpiresAt: T0 + 8 * 3600,
    });
    t += 10;
    expect(await reason(tokens.verify(token))).toBe('expired');
  });

  it('never run past the chain end, and refuse to mint once it has passed', async () => {
    let t = T0;
    const tokens = createSessionTokens(ring('k1'), { ttlSeconds: 900, now: () => t });
    const { expiresAt } = await tokens.mint(claims({ chainExpiresAt: T0 + 100 }));
    expect(expiresAt.getTime() / 1000).toBe(T0 + 100);
    t = T0 + 100;
    expect(await reason(tokens.mint(claims({ chainExpiresAt: T0 + 100 })))).toBe('chain_expired');
  });

  it('verify sessions minted under an older key after rotation, but not under a key that was removed', async () => {
    const entries = parseKeyring(`${generateKeyEntry('old')}`);
    const newer = parseKeyring(generateKeyEntry('new'));
    const before = createSessionTokens(new Keyring(entries), { ttlSeconds: 900 });
    const { token } = await before.mint(claims({ chainExpiresAt: Math.floor(Date.now() / 1000) + 3600 }));
    const rotated = createSessionTokens(new Keyring([...newer, ...entries]), { ttlSeconds: 900 });
    expect((await rotated.verify(token)).agentId).toBe('987654');
    const removed = createSessionTokens(new Keyring(newer), { ttlSeconds: 900 });
    expect(await reason(removed.verify(token))).toBe('bad_signature');
  });

  it('refuse a token from another deployment, a tampered claim, alg none and junk', async () => {
    const tokens = createSessionTokens(ring('k1'), { ttlSeconds: 900 });
    const other = createSessionTokens(ring('k1'), { ttlSeconds: 900 });
    const live = claims({ chainExpiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const { token } = await other.mint(live);
    expect(await reason(tokens.verify(token))).toBe('bad_signature');

    const mine = (await tokens.mint(live)).token;
    const [h, p, sig] = mine.split('.');
    const payload = { ...decodeJwt(mine), tkt: '43' };
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    expect(await reason(tokens.verify(tampered))).toBe('bad_signature');

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1', typ: 'vouchsafe-session+jwt' })).toString('base64url')}.${p}.`;
    expect(await reason(tokens.verify(none))).toBe('alg_not_allowed');
    expect(await reason(tokens.verify('junk'))).toBe('malformed');
  });

  it('refuse a correctly signed token that is not a session (wrong typ or audience)', async () => {
    const keyring = ring('k1');
    const tokens = createSessionTokens(keyring, { ttlSeconds: 900 });
    const key = keyring.deriveSubkeys('vouchsafe:sidebar-session:v1').get('k1')!;
    const forged = await new SignJWT({
      ...decodeJwt((await tokens.mint(claims({ chainExpiresAt: Math.floor(Date.now() / 1000) + 3600 }))).token),
    })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'JWT' })
      .sign(key);
    expect(await reason(tokens.verify(forged))).toBe('malformed');
  });
});

describe('session signing keys (issue 10)', () => {
  it('signs with VOUCHSAFE_SESSION_KEYS when set, not with a key derived from the KEKs, and keeps the derived default', async () => {
    const keyring = ring('k1');
    const configured = parseKeyring(`${generateKeyEntry('s2')},${generateKeyEntry('s1')}`);
    const own = createSessionTokens(sessionSigningKeys(configured, keyring), { ttlSeconds: 900, now: () => T0 });
    const derived = createSessionTokens(sessionSigningKeys(undefined, keyring), { ttlSeconds: 900, now: () => T0 });
    const { token } = await own.mint(claims());
    expect(decodeProtectedHeader(token).kid).toBe('s2');
    expect((await own.verify(token)).ticketId).toBe('42');
    // The derived default is what a bare keyring gives, as before: its tokens and the configured ones do not mix.
    const legacy = await derived.mint(claims());
    expect(decodeProtectedHeader(legacy.token).kid).toBe('k1');
    expect((await createSessionTokens(keyring, { ttlSeconds: 900, now: () => T0 }).verify(legacy.token)).ticketId).toBe('42');
    expect(await reason(own.verify(legacy.token))).toBe('bad_signature');
    expect(await reason(derived.verify(token))).toBe('bad_signature');
    // A key second in the list still verifies (rotation of session keys).
    const older = createSessionTokens(sessionSigningKeys(configured.slice(1), keyring), { ttlSeconds: 900, now: () => T0 });
    expect((await own.verify((await older.mint(claims())).token)).ticketId).toBe('42');
  });

  it('needs a configured key when the keyring has no environment key to derive one from', () => {
    const hsmOnly = new Keyring({
      providers: [{ name: 'pkcs11', kids: ['pkcs11:kek'], wrap: () => Buffer.alloc(60), unwrap: () => Buffer.alloc(32) }],
    });
    expect(() => sessionSigningKeys(undefined, hsmOnly)).toThrow(/set VOUCHSAFE_SESSION_KEYS/);
  });
});
