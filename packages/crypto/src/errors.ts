export type CryptoErrorCode =
  'invalid_link_key' | 'decrypt_failed' | 'unsupported_version' | 'malformed_payload' | 'invalid_encoding' | 'invalid_argument';

/**
 * The only error this package throws. Callers switch on `code`; messages never contain
 * key material, passphrases or plaintext.
 */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isCryptoError(value: unknown): value is CryptoError {
  return value instanceof CryptoError;
}
