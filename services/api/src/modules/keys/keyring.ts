import { randomBytes } from 'node:crypto';
import type { KeyEntry } from '../../config';
import { envKekProvider, gcmOpen, gcmSeal, type KekProvider } from './kek-provider';

/**
 * Server-side envelope encryption (S3). Each secret gets its own random 256-bit data key; the
 * payload is sealed with AES-256-GCM under that key with AAD binding format + tenant + secret id;
 * the data key is wrapped by the active key-encryption key (KEK), AAD binding the kid as well.
 * KEKs live in providers (kek-provider.ts: environment keys, or a PKCS#11 token where wrap and
 * unwrap happen inside the token); the kid names provider and key, so one keyring reads both.
 * Any mismatch (tampered byte, swapped id or tenant, wrong kid) makes GCM fail: we fail closed.
 * This module never logs; it throws EnvelopeError.
 */

export const PAYLOAD_FORMAT = 1;

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

const payloadAad = (format: number, b: PayloadBinding) => Buffer.from(`vouchsafe:payload:v${format}:${b.tenantId}:${b.secretId}`, 'utf8');
const keyAad = (format: number, kid: string, b: PayloadBinding) =>
  Buffer.from(`vouchsafe:data-key:v${format}:${kid}:${b.tenantId}:${b.secretId}`, 'utf8');

export class Keyring {
  private readonly byKid = new Map<string, KekProvider>();
  private readonly providers: readonly KekProvider[];
  readonly activeKid: string;

  /**
   * Environment keys (`new Keyring(entries)`, first entry active), or providers: the first kid of the first provider
   * is active (server.ts puts the PKCS#11 provider first when one is configured).
   */
  constructor(source: readonly KeyEntry[] | { providers: readonly KekProvider[] }) {
    this.providers = Array.isArray(source)
      ? [envKekProvider(source as readonly KeyEntry[])]
      : (source as { providers: readonly KekProvider[] }).providers;
    for (const provider of this.providers) {
      for (const kid of provider.kids) {
        if (this.byKid.has(kid)) throw new Error(`Key ${kid} is configured twice`);
        this.byKid.set(kid, provider);
      }
    }
    const first = this.providers.flatMap((p) => p.kids)[0];
    if (first === undefined) throw new Error('A keyring needs at least one key');
    this.activeKid = first;
  }

  get kids(): string[] {
    return [...this.byKid.keys()];
  }

  /** Which provider holds the active KEK (`env` or `pkcs11`). */
  get activeProvider(): KekProvider['name'] {
    return this.provider(this.activeKid).name;
  }

  private provider(kid: string): KekProvider {
    const provider = this.byKid.get(kid);
    if (!provider) throw new EnvelopeError('unknown_kid', `Key ${kid} is not configured (VOUCHSAFE_KEYS or VOUCHSAFE_PKCS11_KEYS)`);
    return provider;
  }

  private wrap(dataKey: Buffer, format: number, binding: PayloadBinding): { kid: string; wrappedKey: Buffer } {
    const kid = this.activeKid;
    return { kid, wrappedKey: this.provider(kid).wrap(kid, dataKey, keyAad(format, kid, binding)) };
  }

  seal(plaintext: Buffer, binding: PayloadBinding): SealedPayload {
    const dataKey = randomBytes(32);
    try {
      const { kid, wrappedKey } = this.wrap(dataKey, PAYLOAD_FORMAT, binding);
      return { format: PAYLOAD_FORMAT, kid, ciphertext: gcmSeal(dataKey, plaintext, payloadAad(PAYLOAD_FORMAT, binding)), wrappedKey };
    } finally {
      dataKey.fill(0);
    }
  }

  private unwrap(sealed: Pick<SealedPayload, 'format' | 'kid' | 'wrappedKey'>, binding: PayloadBinding): Buffer {
    if (sealed.format !== PAYLOAD_FORMAT) {
      throw new EnvelopeError('unsupported_format', `Payload format ${sealed.format} is not supported`);
    }
    const provider = this.provider(sealed.kid);
    let dataKey: Buffer;
    try {
      dataKey = provider.unwrap(sealed.kid, sealed.wrappedKey, keyAad(sealed.format, sealed.kid, binding));
    } catch {
      throw new EnvelopeError('unwrap_failed', 'The data key could not be unwrapped');
    }
    // A provider that answered something other than a 32-byte key has not unwrapped one of ours.
    if (dataKey.length !== 32) throw new EnvelopeError('unwrap_failed', 'The data key could not be unwrapped');
    return dataKey;
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
   * A purpose-bound subkey per environment KEK (HKDF-SHA256, `info` names the purpose), keyed by kid, active first.
   * The KEKs themselves never leave their provider; a subkey cannot be turned back into one. HSM keys derive
   * nothing (they cannot be read), so with an HSM only the environment keys still configured answer here.
   */
  deriveSubkeys(info: string): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [kid, provider] of this.byKid) {
      if (provider.deriveSubkey) out.set(kid, provider.deriveSubkey(kid, info));
    }
    return out;
  }

  /** Re-wraps a data key under the active KEK without touching the payload (key rotation). */
  rewrap(sealed: Pick<SealedPayload, 'format' | 'kid' | 'wrappedKey'>, binding: PayloadBinding): { kid: string; wrappedKey: Buffer } {
    const dataKey = this.unwrap(sealed, binding);
    try {
      return this.wrap(dataKey, sealed.format, binding);
    } finally {
      dataKey.fill(0);
    }
  }

  /** Releases the providers (logs out of the token). */
  close(): void {
    for (const provider of this.providers) provider.close?.();
  }
}

export function generateKeyEntry(kid: string): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}
