import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyEntry } from '../../config';

/**
 * Where key-encryption keys live. A provider wraps and unwraps 32-byte data keys under one of its KEKs, binding
 * `aad`; it never hands a KEK out. Two providers exist:
 *  - `env`: raw 32-byte keys from VOUCHSAFE_KEYS (development, and rows written before an HSM was configured);
 *    kids are the bare names from that variable (`k1`).
 *  - `pkcs11`: AES keys inside a PKCS#11 token (pkcs11-provider.ts); kids are `pkcs11:<key label>`.
 * The kid stored beside every wrapped key therefore names provider and key, so values of both coexist and
 * `keys rotate` moves them from one to the other. Both wrap the same way (AES-256-GCM, 12-byte IV ‖ ciphertext ‖
 * 16-byte tag, AAD from keyring.ts), so the envelope `format` stays 1 whichever provider wrapped it.
 * Providers never log; they throw.
 */
export interface KekProvider {
  /** `env` or `pkcs11`: what `kids` are prefixed with (bare for env). */
  readonly name: 'env' | 'pkcs11';
  /** The kids this provider can unwrap with, the one it would wrap with first. */
  readonly kids: readonly string[];
  wrap(kid: string, dataKey: Buffer, aad: Buffer): Buffer;
  /** Throws when the value was not wrapped under `kid` with this `aad` (tampered, moved, wrong key). */
  unwrap(kid: string, wrapped: Buffer, aad: Buffer): Buffer;
  /**
   * A purpose-bound subkey of a KEK (HKDF-SHA256), for the values that used to be derived from the KEKs (session
   * signing, legacy requester keys). Only raw keys can be derived from: an HSM key cannot, by design.
   */
  deriveSubkey?(kid: string, info: string): Uint8Array;
  /** Logs out and releases the token (PKCS#11); nothing for env keys. */
  close?(): void;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

export function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** The environment keyring (VOUCHSAFE_KEYS): first entry first. */
export function envKekProvider(entries: readonly KeyEntry[]): KekProvider {
  const byKid = new Map(entries.map((e) => [e.kid, e.key]));
  const kek = (kid: string): Buffer => {
    const key = byKid.get(kid);
    if (!key) throw new Error(`kid ${kid} is not an environment key`);
    return key;
  };
  return {
    name: 'env',
    kids: entries.map((e) => e.kid),
    wrap: (kid, dataKey, aad) => gcmSeal(kek(kid), dataKey, aad),
    unwrap: (kid, wrapped, aad) => gcmOpen(kek(kid), wrapped, aad),
    deriveSubkey: (kid, info) =>
      new Uint8Array(hkdfSync('sha256', kek(kid), Buffer.from('vouchsafe:subkey', 'utf8'), Buffer.from(info, 'utf8'), 32)),
  };
}
