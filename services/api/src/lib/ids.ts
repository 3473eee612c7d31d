import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 128 bits from the CSPRNG, base64url: 22 characters (S4). */
export const newSecretId = (): string => randomBytes(16).toString('base64url');

/** 256-bit bearer token returned once to the creator; only its hash is stored. */
export const newRevokeToken = (): string => randomBytes(32).toString('base64url');

export const sha256 = (value: Buffer | string): Buffer => createHash('sha256').update(value).digest();

/** Compares two secrets in constant time by comparing their hashes. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** A short prefix of an id for logs (never the whole id): first 6 characters + '…'. */
export const shortId = (id: string): string => `${id.slice(0, 6)}…`;
