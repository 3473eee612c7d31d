import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyEntry } from '../../config';

/**
 * Server-side envelope encryption (S3). Each secret gets its own random 256-bit data key; the
 * payload is sealed with AES-256-GCM under that key with AAD binding format + tenant + secret id;
 * the data key is sealed with the active key-encryption key (KEK), AAD binding the kid as well.
 * Any mismatch (tampered byte, swapped id or tenant, wrong kid) makes GCM fail: we fail closed.
 * This module never logs; it throws EnvelopeError.
 */

export const PAYLOAD_FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
  constructor(
    readonly code: 'unknown_kid' | 'unwrap_failed' | 'decrypt_failed' | 'unsupported_format',
    message: string,
  ) {
    super(message);
  }
}

export interface SealedPayload {
  format: number;
  kid: string;
  wrappedKey: Buffer;
  ciphertext: Buffer;
}

export interface PayloadBinding {
  tenantId: string;
  secretId: string;
}

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

const payloadAad = (format: number, b: PayloadBinding) => Buffer.from(`vouchsafe:payload:v${format}:${b.tenantId}:${b.secretId}`, 'utf8');
const keyAad = (format: number, kid: string, b: PayloadBinding) =>
  Buffer.from(`vouchsafe:data-key:v${format}:${kid}:${b.tenantId}:${b.secretId}`, 'utf8');

export class Keyring {
  private readonly byKid: Map<string, Buffer>;
  readonly activeKid: string;

  constructor(entries: readonly KeyEntry[]) {
    if (entries.length === 0) throw new Error('A keyring needs at least one key');
    this.byKid = new Map(entries.map((e) => [e.kid, e.key]));
    this.activeKid = entries[0]!.kid;
  }

  get kids(): string[] {
    return [...this.byKid.keys()];
  }

  private kek(kid: string): Buffer {
    const key = this.byKid.get(kid);
    if (!key) throw new EnvelopeError('unknown_kid', `Key ${kid} is not in VOUCHSAFE_KEYS`);
    return key;
  }

  seal(plaintext: Buffer, binding: PayloadBinding): SealedPayload {
    const dataKey = randomBytes(32);
    try {
      const kid = this.activeKid;
      return {
        format: PAYLOAD_FORMAT,
        kid,
        ciphertext: gcmSeal(dataKey, plaintext, payloadAad(PAYLOAD_FORMAT, binding)),
        wrappedKey: gcmSeal(this.kek(kid), dataKey, keyAad(PAYLOAD_FORMAT, kid, binding)),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  private unwrap(sealed: Pick<SealedPayload, 'format' | 'kid' | 'wrappedKey'>, binding: PayloadBinding): Buffer {
    if (sealed.format !== PAYLOAD_FORMAT) {
      throw new EnvelopeError('unsupported_format', `Payload format ${sealed.format} is not supported`);
    }
    try {
      return gcmOpen(this.kek(sealed.kid), sealed.wrappedKey, keyAad(sealed.format, sealed.kid, binding));
    } catch (err) {
      if (err instanceof EnvelopeError) throw err;
      throw new EnvelopeError('unwrap_failed', 'The data key could not be unwrapped');
    }
  }

  open(sealed: SealedPayload, binding: PayloadBinding): Buffer {
    const dataKey = this.unwrap(sealed, binding);
    try {
      return gcmOpen(dataKey, sealed.ciphertext, payloadAad(sealed.format, binding));
    } catch {
      throw new EnvelopeError('decrypt_failed', 'The payload failed authentication');
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * A purpose-bound subkey per KEK (HKDF-SHA256, `info` names the purpose), keyed by kid, active
   * first. The KEKs themselves never leave this class; a subkey cannot be turned back into one.
   */
  deriveSubkeys(info: string): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [kid, kek] of this.byKid) {
      out.set(kid, new Uint8Array(hkdfSync('sha256', kek, Buffer.from('vouchsafe:subkey', 'utf8'), Buffer.from(info, 'utf8'), 32)));
    }
    return out;
  }

  /** Re-wraps a data key under the active KEK without touching the payload (key rotation). */
  rewrap(sealed: Pick<SealedPayload, 'format' | 'kid' | 'wrappedKey'>, binding: PayloadBinding): { kid: string; wrappedKey: Buffer } {
    const dataKey = this.unwrap(sealed, binding);
    try {
      const kid = this.activeKid;
      return { kid, wrappedKey: gcmSeal(this.kek(kid), dataKey, keyAad(sealed.format, kid, binding)) };
    } finally {
      dataKey.fill(0);
    }
  }
}

export function generateKeyEntry(kid: string): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}
