import { ascii, concat, own, randomBytes } from './bytes';
import { CryptoError } from './errors';
import {
  assertLinkKey,
  deriveKeys,
  derivePassKey,
  generateLinkKey,
  hasPassphrase,
  passKeyFor,
  PASSPHRASE_SALT_BYTES,
  type PassphraseOptions,
} from './keys';
import { decodePayload, encodePayload, type SecretPayload } from './payload';

export const FORMAT_VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const AAD_LABEL = 'vouchsafe/v1';

/** AAD = the version byte + "vouchsafe/v1": binds the format so a ciphertext cannot be replayed as another version. */
export function aadFor(version: number): Uint8Array<ArrayBuffer> {
  return concat(Uint8Array.of(version), ascii(AAD_LABEL));
}

export interface SealOptions {
  passphrase?: string;
  linkKey?: Uint8Array;
  iterations?: number;
}

export interface SealedSecret {
  ciphertext: Uint8Array;
  linkKey: Uint8Array;
  keyCheck: Uint8Array;
  passphraseSalt?: Uint8Array;
  passphraseCheck?: Uint8Array;
}

/**
 * Test seam: deterministic sealing with a caller-chosen IV (and passphrase salt). Not exported
 * from the package index; production code must go through sealSecret, which draws both at random.
 */
export async function sealWithIv(
  payload: SecretPayload,
  params: { linkKey: Uint8Array; iv: Uint8Array; passphrase?: string; passphraseSalt?: Uint8Array; iterations?: number },
): Promise<SealedSecret> {
  const { linkKey, iv } = params;
  assertLinkKey(linkKey);
  if (iv.length !== IV_BYTES) throw new CryptoError('invalid_argument', `IV must be ${IV_BYTES} bytes`);
  const usesPassphrase = hasPassphrase(params.passphrase);
  const passphraseSalt = usesPassphrase ? own(params.passphraseSalt ?? randomBytes(PASSPHRASE_SALT_BYTES)) : undefined;
  const passKey =
    usesPassphrase && passphraseSalt ? await derivePassKey(params.passphrase as string, passphraseSalt, params.iterations) : undefined;
  const keys = await deriveKeys(linkKey, passKey);
  const encrypted = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: own(iv), additionalData: aadFor(FORMAT_VERSION), tagLength: TAG_BYTES * 8 },
    keys.contentKey,
    own(encodePayload(payload)),
  );
  const sealed: SealedSecret = {
    ciphertext: concat(Uint8Array.of(FORMAT_VERSION), iv, new Uint8Array(encrypted)),
    linkKey: own(linkKey),
    keyCheck: keys.keyCheck,
  };
  if (passphraseSalt && keys.passphraseCheck) {
    sealed.passphraseSalt = passphraseSalt;
    sealed.passphraseCheck = keys.passphraseCheck;
  }
  return sealed;
}

export async function sealSecret(payload: SecretPayload, opts?: SealOptions): Promise<SealedSecret> {
  const params: Parameters<typeof sealWithIv>[1] = {
    linkKey: opts?.linkKey ?? generateLinkKey(),
    iv: randomBytes(IV_BYTES),
  };
  if (opts?.passphrase !== undefined) params.passphrase = opts.passphrase;
  if (opts?.iterations !== undefined) params.iterations = opts.iterations;
  return sealWithIv(payload, params);
}

export async function openSecret(ciphertext: Uint8Array, linkKey: Uint8Array, opts?: PassphraseOptions): Promise<SecretPayload> {
  assertLinkKey(linkKey);
  if (ciphertext.length === 0) throw new CryptoError('decrypt_failed', 'Ciphertext is empty');
  const version = ciphertext[0]!;
  if (version !== FORMAT_VERSION) {
    throw new CryptoError('unsupported_version', `Ciphertext format version ${version} is not supported`);
  }
  if (ciphertext.length < 1 + IV_BYTES + TAG_BYTES) throw new CryptoError('decrypt_failed', 'Ciphertext is truncated');
  const keys = await deriveKeys(linkKey, await passKeyFor(opts));
  let plaintext: ArrayBuffer;
  try {
    plaintext = await globalThis.crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: own(ciphertext.subarray(1, 1 + IV_BYTES)),
        additionalData: aadFor(version),
        tagLength: TAG_BYTES * 8,
      },
      keys.contentKey,
      own(ciphertext.subarray(1 + IV_BYTES)),
    );
  } catch (err) {
    // GCM cannot tell a wrong key from tampering; neither can we, by design.
    throw new CryptoError('decrypt_failed', 'Secret could not be decrypted with this link key and passphrase', {
      cause: err,
    });
  }
  return decodePayload(new Uint8Array(plaintext));
}
