import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * The audit signing key (issue 9, S14): an Ed25519 key that is NOT in the database. Text formats (docs/AUDIT-FORMAT.md):
 * - signing key (`VOUCHSAFE_AUDIT_SIGNING_KEY`): `kid:base64url(PKCS#8 DER)` — 48 bytes of DER, 64 characters;
 * - public key (`VOUCHSAFE_AUDIT_PUBLIC_KEYS`, comma list; `--public-key`): `kid:base64url(raw 32-byte public key)`,
 *   which is also the `x` of the key as an OKP JWK (RFC 8037).
 * Parsers throw sentences that name the variable and never echo the value.
 */

export interface AuditSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: AuditPublicKey;
}

export interface AuditPublicKey {
  kid: string;
  key: KeyObject;
  /** base64url of the raw 32-byte key (the JWK `x`). */
  x: string;
}

const KID = /^[A-Za-z0-9_.-]{1,32}$/;
const SIGNING_ENTRY = /^([^:]+):([A-Za-z0-9_-]+)$/;
const PUBLIC_ENTRY = /^([^:]+):([A-Za-z0-9_-]{43})$/;

function rawPublicX(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

export function publicKeyFromX(kid: string, x: string): AuditPublicKey {
  return { kid, x, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }) };
}

export function parseAuditSigningKey(value: string, name = 'VOUCHSAFE_AUDIT_SIGNING_KEY'): AuditSigningKey {
  const m = SIGNING_ENTRY.exec(value.trim());
  if (!m || !KID.test(m[1]!)) {
    throw new Error(`${name} is not "kid:base64url(Ed25519 PKCS#8)". Generate one with \`vouchsafe keys generate --audit\`.`);
  }
  const kid = m[1]!;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(m[2]!, 'base64url'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error(`${name} (kid ${kid}) is not a PKCS#8 private key. Generate one with \`vouchsafe keys generate --audit\`.`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${name} (kid ${kid}) is not an Ed25519 key.`);
  const publicKey = createPublicKey(privateKey);
  return { kid, privateKey, publicKey: { kid, key: publicKey, x: rawPublicX(publicKey) } };
}

export function parseAuditPublicKeys(value: string, name = 'VOUCHSAFE_AUDIT_PUBLIC_KEYS'): AuditPublicKey[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const m = PUBLIC_ENTRY.exec(entry);
    if (!m || !KID.test(m[1]!)) throw new Error(`${name} entry ${i + 1} is not "kid:base64url(32-byte Ed25519 public key)".`);
    const kid = m[1]!;
    if (seen.has(kid)) throw new Error(`${name} lists kid ${kid} twice.`);
    seen.add(kid);
    try {
      return publicKeyFromX(kid, m[2]!);
    } catch {
      throw new Error(`${name} entry ${kid} is not an Ed25519 public key.`);
    }
  });
}

/** A new signing key and its public entry, in the text formats above. */
export function generateAuditKey(kid: string): { signingKey: string; publicKey: string } {
  if (!KID.test(kid)) throw new Error('kid may use letters, digits, "_", "." and "-" (up to 32).');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { signingKey: `${kid}:${der.toString('base64url')}`, publicKey: `${kid}:${rawPublicX(publicKey)}` };
}

export const formatPublicKey = (key: AuditPublicKey): string => `${key.kid}:${key.x}`;

/**
 * The keys a verifier trusts: the configured public keys (old, rotated ones) plus the one derived from the signing key.
 * A kid listed twice with different keys is refused rather than guessed.
 */
export function trustedKeys(signing: AuditSigningKey | undefined, extra: readonly AuditPublicKey[]): Map<string, AuditPublicKey> {
  const keys = new Map<string, AuditPublicKey>();
  for (const k of [...(signing ? [signing.publicKey] : []), ...extra]) {
    const known = keys.get(k.kid);
    if (known && known.x !== k.x) throw new Error(`Two different audit public keys are named ${k.kid}.`);
    keys.set(k.kid, k);
  }
  return keys;
}
