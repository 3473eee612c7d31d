import { createCipheriv, hkdfSync, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveChecks, encodePayload, openSecret, sealSecret, type SecretPayload } from './index';
import { sealWithIv } from './seal';
import { codeOf } from './error-codes.testing';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const LINK_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const SALT = Uint8Array.from({ length: 16 }, (_, i) => 0x50 + i);
const FAST = 1_000;
const ZERO_SALT = Buffer.alloc(32);

// Reference implementation with node:crypto, written from the spec, not from the module under test.
const hkdf = (ikm: Uint8Array, info: string): Buffer => Buffer.from(hkdfSync('sha256', ikm, ZERO_SALT, Buffer.from(info, 'ascii'), 32));

function referenceSeal(contentIkm: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): string {
  const key = hkdf(contentIkm, 'vouchsafe/v1/content');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.concat([Buffer.from([1]), Buffer.from('vouchsafe/v1', 'ascii')]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([Buffer.from([1]), iv, body]).toString('hex');
}

function referencePlaintext(text: string): Buffer {
  const header = Buffer.from(JSON.stringify({ v: 1, kind: 'text' }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  return Buffer.concat([len, header, Buffer.from(text, 'utf8')]);
}

describe('known-answer vectors (checked against node:crypto)', () => {
  const text = 'Temporary password: Zq7!pL-4 ✓';

  it('payload encoding matches the documented layout', () => {
    expect(hex(encodePayload({ kind: 'text', text }))).toBe(referencePlaintext(text).toString('hex'));
  });

  it('seals without a passphrase to the exact expected bytes', async () => {
    const sealed = await sealWithIv({ kind: 'text', text }, { linkKey: LINK_KEY, iv: IV });
    expect(hex(sealed.ciphertext)).toBe(referenceSeal(LINK_KEY, IV, referencePlaintext(text)));
    expect(hex(sealed.keyCheck)).toBe(hkdf(LINK_KEY, 'vouchsafe/v1/key-check').toString('hex'));
    expect(sealed.passphraseSalt).toBeUndefined();
    expect(sealed.passphraseCheck).toBeUndefined();
  });

  it('seals with a passphrase to the exact expected bytes (NFC-normalised)', async () => {
    const decomposed = 'cafe\u0301 au lait'; // "café" typed as e + combining acute
    const passKey = pbkdf2Sync(Buffer.from('caf\u00e9 au lait', 'utf8'), SALT, FAST, 32, 'sha256');
    const ikm = Buffer.concat([LINK_KEY, passKey]);
    const sealed = await sealWithIv(
      { kind: 'text', text },
      { linkKey: LINK_KEY, iv: IV, passphrase: decomposed, passphraseSalt: SALT, iterations: FAST },
    );
    expect(hex(sealed.ciphertext)).toBe(referenceSeal(ikm, IV, referencePlaintext(text)));
    expect(hex(sealed.keyCheck)).toBe(hkdf(LINK_KEY, 'vouchsafe/v1/key-check').toString('hex'));
    expect(hex(sealed.passphraseCheck!)).toBe(hkdf(ikm, 'vouchsafe/v1/passphrase-check').toString('hex'));
    expect(hex(sealed.passphraseSalt!)).toBe(hex(SALT));
  });

  it('a literal vector pins the format against accidental change in both implementations', async () => {
    const sealed = await sealWithIv({ kind: 'text', text: 'hi' }, { linkKey: LINK_KEY, iv: IV });
    expect(hex(sealed.ciphertext)).toBe(referenceSeal(LINK_KEY, IV, referencePlaintext('hi')));
    // Frozen once from node:crypto; a change here means existing links stop opening.
    expect(hex(sealed.ciphertext)).toBe(
      '01a0a1a2a3a4a5a6a7a8a9aaabd3f335889d428b2fd5c664c88aad553dc010dc08af09966e3ee5e53461335dce0f5a7a0cab5db1fb8b3ac4',
    );
    expect(hex(sealed.keyCheck)).toBe('5c3cc0f55a5432f4ccc8bb73ae14a978e4c3d904a11d92b2a4694769e39b7667');
  });

  it('deriveChecks gives the revealer the same checks the sender stored', async () => {
    const sealed = await sealWithIv(
      { kind: 'text', text },
      { linkKey: LINK_KEY, iv: IV, passphrase: 'pw', passphraseSalt: SALT, iterations: FAST },
    );
    const checks = await deriveChecks(LINK_KEY, { passphrase: 'pw', passphraseSalt: SALT, iterations: FAST });
    expect(hex(checks.keyCheck)).toBe(hex(sealed.keyCheck));
    expect(hex(checks.passphraseCheck!)).toBe(hex(sealed.passphraseCheck!));
    const wrong = await deriveChecks(LINK_KEY, { passphrase: 'pW', passphraseSalt: SALT, iterations: FAST });
    expect(hex(wrong.passphraseCheck!)).not.toBe(hex(sealed.passphraseCheck!));
    expect((await deriveChecks(LINK_KEY)).passphraseCheck).toBeUndefined();
  });

  it('defaults to 600000 PBKDF2 iterations', async () => {
    const passKey = pbkdf2Sync(Buffer.from('pw'), SALT, 600_000, 32, 'sha256');
    const checks = await deriveChecks(LINK_KEY, { passphrase: 'pw', passphraseSalt: SALT });
    const expected = hkdf(Buffer.concat([LINK_KEY, passKey]), 'vouchsafe/v1/passphrase-check');
    expect(hex(checks.passphraseCheck!)).toBe(expected.toString('hex'));
  });
});

describe('sealSecret / openSecret', () => {
  const payload: SecretPayload = { kind: 'text', text: 'account 12345678' };

  it('round-trips and draws a fresh key and IV each time', async () => {
    const a = await sealSecret(payload);
    const b = await sealSecret(payload);
    expect(a.linkKey).toHaveLength(32);
    expect(hex(a.linkKey)).not.toBe(hex(b.linkKey));
    expect(hex(a.ciphertext.subarray(1, 13))).not.toBe(hex(b.ciphertext.subarray(1, 13)));
    expect(await openSecret(a.ciphertext, a.linkKey)).toEqual(payload);
  });

  it('round-trips with a passphrase and a supplied link key', async () => {
    const sealed = await sealSecret(payload, { passphrase: 'horse battery', linkKey: LINK_KEY, iterations: FAST });
    expect(hex(sealed.linkKey)).toBe(hex(LINK_KEY));
    expect(sealed.passphraseSalt).toHaveLength(16);
    const opened = await openSecret(sealed.ciphertext, LINK_KEY, {
      passphrase: 'horse battery',
      passphraseSalt: sealed.passphraseSalt!,
      iterations: FAST,
    });
    expect(opened).toEqual(payload);
  });

  describe('fails closed with the right code', () => {
    let sealedPromise: ReturnType<typeof sealSecret> | undefined;
    const sealed = () => (sealedPromise ??= sealSecret(payload, { passphrase: 'right', linkKey: LINK_KEY, iterations: FAST }));
    const opts = async (passphrase = 'right') => ({
      passphrase,
      passphraseSalt: (await sealed()).passphraseSalt!,
      iterations: FAST,
    });
    const flip = (b: Uint8Array, i: number): Uint8Array => {
      const c = b.slice();
      c[i]! ^= 0x01;
      return c;
    };

    it('sanity: the untouched ciphertext opens', async () => {
      expect(await openSecret((await sealed()).ciphertext, LINK_KEY, await opts())).toEqual(payload);
    });
    it('flipped ciphertext byte -> decrypt_failed', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(flip(ct, 20), LINK_KEY, await opts()))).toBe('decrypt_failed');
    });
    it('flipped tag byte -> decrypt_failed', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(flip(ct, ct.length - 1), LINK_KEY, await opts()))).toBe('decrypt_failed');
    });
    it('flipped IV byte -> decrypt_failed', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(flip(ct, 5), LINK_KEY, await opts()))).toBe('decrypt_failed');
    });
    it('flipped version byte -> unsupported_version', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(flip(ct, 0), LINK_KEY, await opts()))).toBe('unsupported_version');
    });
    it('truncated ciphertext -> decrypt_failed', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(ct.subarray(0, 20), LINK_KEY, await opts()))).toBe('decrypt_failed');
      expect(await codeOf(openSecret(new Uint8Array(0), LINK_KEY, await opts()))).toBe('decrypt_failed');
    });
    it('wrong link key -> decrypt_failed', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(ct, flip(LINK_KEY, 31), await opts()))).toBe('decrypt_failed');
    });
    it('wrong passphrase -> decrypt_failed', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(ct, LINK_KEY, await opts('Right')))).toBe('decrypt_failed');
    });
    it('missing passphrase -> decrypt_failed', async () => {
      expect(await codeOf(openSecret((await sealed()).ciphertext, LINK_KEY))).toBe('decrypt_failed');
    });
    it('short link key -> invalid_link_key', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(ct, LINK_KEY.subarray(0, 15), await opts()))).toBe('invalid_link_key');
    });
    it('passphrase without salt -> invalid_argument', async () => {
      const ct = (await sealed()).ciphertext;
      expect(await codeOf(openSecret(ct, LINK_KEY, { passphrase: 'right' }))).toBe('invalid_argument');
    });
  });
});
