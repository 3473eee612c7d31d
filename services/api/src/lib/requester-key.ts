import { createHmac } from 'node:crypto';
import type { Keyring } from '../modules/keys/keyring';

/**
 * A customer's key for push limits and verified-only secrets: HMAC-SHA256 under an HKDF subkey of
 * each keyring key, over the tenant id and the normalised email on record (or, without an email,
 * the E.164 phone). The identifier itself is never stored. Counting uses the active key's value;
 * matching a stored key tries every key so rotation does not orphan them.
 */

export const REQUESTER_KEY_INFO = 'vouchsafe:requester-key:v1';

export interface RequesterIdentity {
  email?: string | null;
  phone?: string | null;
}

export interface RequesterKeys {
  /** Under the active key: what new rows store and what limits count. */
  primary: Buffer;
  /** Every key's value, active first: what a stored key is compared against. */
  candidates: Buffer[];
}

export const normaliseEmail = (email: string): string | null => {
  const e = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(e) ? e : null;
};

/** E.164 or null: spaces, dots, dashes and brackets dropped, a leading 00 read as +. */
export function normalisePhone(phone: string): string | null {
  const p = phone.trim().replace(/[\s().-]/g, '').replace(/^00/, '+');
  return /^\+[1-9]\d{6,14}$/.test(p) ? p : null;
}

/** The identity string the key covers, or null when neither contact is usable. */
export function requesterIdentityString(identity: RequesterIdentity): string | null {
  const email = identity.email ? normaliseEmail(identity.email) : null;
  if (email) return `email:${email}`;
  const phone = identity.phone ? normalisePhone(identity.phone) : null;
  return phone ? `phone:${phone}` : null;
}

export function requesterKeys(keyring: Keyring, tenantId: string, identity: RequesterIdentity): RequesterKeys | null {
  const id = requesterIdentityString(identity);
  if (id === null) return null;
  const message = Buffer.from(`${tenantId}\n${id}`, 'utf8');
  const candidates = [...keyring.deriveSubkeys(REQUESTER_KEY_INFO).values()].map((subkey) => createHmac('sha256', subkey).update(message).digest());
  return { primary: candidates[0]!, candidates };
}

/** True when `stored` is this identity's key under any keyring key. */
export function matchesRequesterKey(keys: RequesterKeys, stored: Buffer): boolean {
  return keys.candidates.some((k) => k.length === stored.length && k.equals(stored));
}
