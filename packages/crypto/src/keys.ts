import { fromBase64Url, toBase64Url } from './base64url';
import { ascii, concat, own, randomBytes } from './bytes';
import { CryptoError } from './errors';

export const LINK_KEY_BYTES = 32;
export const LINK_KEY_MIN_BYTES = 16;
export const PASSPHRASE_SALT_BYTES = 16;
export const CHECK_BYTES = 32;
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;

const HKDF_SALT = new Uint8Array(32);
const INFO_CONTENT = ascii('vouchsafe/v1/content');
const INFO_KEY_CHECK = ascii('vouchsafe/v1/key-check');
const INFO_PASSPHRASE_CHECK = ascii('vouchsafe/v1/passphrase-check');

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

export function generateLinkKey(): Uint8Array {
  return randomBytes(LINK_KEY_BYTES);
}

export function assertLinkKey(key: Uint8Array): void {
  if (!ArrayBuffer.isView(key) || key.length < LINK_KEY_MIN_BYTES || key.length > LINK_KEY_BYTES) {
    throw new CryptoError('invalid_link_key', `Link key must be ${LINK_KEY_MIN_BYTES} to ${LINK_KEY_BYTES} bytes`);
  }
}

export function encodeLinkKey(key: Uint8Array): string {
  assertLinkKey(key);
  return toBase64Url(key);
}

export function decodeLinkKey(s: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64Url(s);
  } catch (err) {
    throw new CryptoError('invalid_link_key', 'Link key is not valid base64url', { cause: err });
  }
  assertLinkKey(key);
  return key;
}

/** Passphrases are compared as NFC so "é" typed on a Mac and on Windows derive the same key. */
export function normalisePassphrase(passphrase: string): Uint8Array<ArrayBuffer> {
  return own(new TextEncoder().encode(passphrase.normalize('NFC')));
}

function assertIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new CryptoError('invalid_argument', 'PBKDF2 iterations must be a positive integer');
  }
}

export async function derivePassKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number = DEFAULT_PBKDF2_ITERATIONS,
): Promise<Uint8Array<ArrayBuffer>> {
  assertIterations(iterations);
  if (salt.length !== PASSPHRASE_SALT_BYTES) {
    throw new CryptoError('invalid_argument', `Passphrase salt must be ${PASSPHRASE_SALT_BYTES} bytes`);
  }
  const base = await subtle().importKey('raw', normalisePassphrase(passphrase), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: own(salt), iterations }, base, 256);
  return new Uint8Array(bits);
}

async function hkdfBase(ikm: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', own(ikm), 'HKDF', false, ['deriveBits', 'deriveKey']);
}

async function hkdfBits(base: CryptoKey, info: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const bits = await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info }, base, CHECK_BYTES * 8);
  return new Uint8Array(bits);
}

export interface DerivedKeys {
  contentKey: CryptoKey;
  keyCheck: Uint8Array;
  passphraseCheck?: Uint8Array;
}

/**
 * The content key comes from linkKey (||passKey); the checks come from the same material
 * under different HKDF info strings, so the server can hold hashes of the checks without
 * learning anything that derives the content key.
 */
export async function deriveKeys(linkKey: Uint8Array, passKey?: Uint8Array): Promise<DerivedKeys> {
  assertLinkKey(linkKey);
  const linkBase = await hkdfBase(linkKey);
  const contentBase = passKey === undefined ? linkBase : await hkdfBase(concat(linkKey, passKey));
  const contentKey = await subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: INFO_CONTENT },
    contentBase,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const keyCheck = await hkdfBits(linkBase, INFO_KEY_CHECK);
  if (passKey === undefined) return { contentKey, keyCheck };
  const passphraseCheck = await hkdfBits(contentBase, INFO_PASSPHRASE_CHECK);
  return { contentKey, keyCheck, passphraseCheck };
}

export interface PassphraseOptions {
  passphrase?: string;
  passphraseSalt?: Uint8Array;
  iterations?: number;
}

/** An empty passphrase means "no passphrase" on both sides, so an empty form field cannot lock anyone out. */
export const hasPassphrase = (passphrase: string | undefined): passphrase is string => passphrase !== undefined && passphrase !== '';

export async function passKeyFor(opts: PassphraseOptions | undefined): Promise<Uint8Array | undefined> {
  if (!hasPassphrase(opts?.passphrase)) return undefined;
  if (opts.passphraseSalt === undefined) {
    throw new CryptoError('invalid_argument', 'A passphrase needs the passphrase salt from the secret metadata');
  }
  return derivePassKey(opts.passphrase, opts.passphraseSalt, opts.iterations);
}

export async function deriveChecks(
  linkKey: Uint8Array,
  opts?: PassphraseOptions,
): Promise<{ keyCheck: Uint8Array; passphraseCheck?: Uint8Array }> {
  const { keyCheck, passphraseCheck } = await deriveKeys(linkKey, await passKeyFor(opts));
  return passphraseCheck === undefined ? { keyCheck } : { keyCheck, passphraseCheck };
}
