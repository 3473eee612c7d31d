import { createHmac } from 'node:crypto';
import type { Keyring } from '../modules/keys/keyring';
import type { TenantKeys } from '../modules/keys/tenant-keys';

/**
 * A customer's key for push/contact limits and verified-only secrets: HMAC-SHA256 over the tenant
 * id and the normalised email on record (or, without an email, the E.164 phone), under the
 * tenant's own random requester key (modules/keys/tenant-keys.ts). The identifier itself is never
 * stored. That key is sealed under the keyring and re-wrapped by rotation, so the values stay the
 * same across KEK rotations: a verified-only secret sent before a rotation still opens after the
 * old KEK is removed, and push limits keep counting.
 *
 * Keys written before the tenant key existed were HMACs under HKDF subkeys of each KEK
 * (`LEGACY_REQUESTER_KEY_INFO`); they stay matchable as candidates while their KEK is configured.
 */

export const LEGACY_REQUESTER_KEY_INFO = 'vouchsafe:requester-key:v1';

export interface RequesterIdentity {
  email?: string | null;
  phone?: string | null;
}

export interface RequesterKeys {
  /** Under the tenant's requester key: what new rows store and what limits count. */
  primary: Buffer;
  /** primary first, then the legacy per-KEK values: what a stored key is compared against. */
  candidates: Buffer[];
}

/** Key material for one tenant: its requester key, and the legacy per-KEK subkeys. */
export interface RequesterKeyMaterial {
  hmacKey: Uint8Array;
  legacySubkeys: readonly Uint8Array[];
}

export const normaliseEmail = (email: string): string | null => {
  const e = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(e) ? e : null;
};

/** E.164 or null: spaces, dots, dashes and brackets dropped, a leading 00 read as +. */
export function normalisePhone(phone: string): string | null {
  const p = phone
    .trim()
    .replace(/[\s().-]/g, '')
    .replace(/^00/, '+');
  return /^\+[1-9]\d{6,14}$/.test(p) ? p : null;
}

/** The identity string the key covers, or null when neither contact is usable. */
export function requesterIdentityString(identity: RequesterIdentity): string | null {
  const email = identity.email ? normaliseEmail(identity.email) : null;
  if (email) return `email:${email}`;
  const phone = identity.phone ? normalisePhone(identity.phone) : null;
  return phone ? `phone:${phone}` : null;
}

export function requesterKeys(material: RequesterKeyMaterial, tenantId: string, identity: RequesterIdentity): RequesterKeys | null {
  const id = requesterIdentityString(identity);
  if (id === null) return null;
  const message = Buffer.from(`${tenantId}\n${id}`, 'utf8');
  const hmac = (key: Uint8Array) => createHmac('sha256', key).update(message).digest();
  const primary = hmac(material.hmacKey);
  return { primary, candidates: [primary, ...material.legacySubkeys.map(hmac)] };
}

/** True when `stored` is this identity's key (current or legacy). */
export function matchesRequesterKey(keys: RequesterKeys, stored: Buffer): boolean {
  return keys.candidates.some((k) => k.length === stored.length && k.equals(stored));
}

/** The service callers use: the tenant's material looked up (and cached) for them. */
export interface RequesterKeyring {
  keysFor(tenantId: string, identity: RequesterIdentity): Promise<RequesterKeys | null>;
}

export function createRequesterKeyring(keyring: Keyring, tenantKeys: TenantKeys): RequesterKeyring {
  const legacySubkeys = [...keyring.deriveSubkeys(LEGACY_REQUESTER_KEY_INFO).values()];
  return {
    async keysFor(tenantId, identity) {
      if (requesterIdentityString(identity) === null) return null;
      return requesterKeys({ hmacKey: await tenantKeys.get(tenantId, 'requester-key'), legacySubkeys }, tenantId, identity);
    },
  };
}
