export { CryptoError, isCryptoError, type CryptoErrorCode } from './errors';
export { toBase64Url, fromBase64Url } from './base64url';
export {
  generateLinkKey,
  encodeLinkKey,
  decodeLinkKey,
  deriveChecks,
  DEFAULT_PBKDF2_ITERATIONS,
  LINK_KEY_BYTES,
  LINK_KEY_MIN_BYTES,
  PASSPHRASE_SALT_BYTES,
} from './keys';
export { encodePayload, decodePayload, type SecretPayload } from './payload';
export { sealSecret, openSecret, FORMAT_VERSION, type SealOptions, type SealedSecret } from './seal';
export { buildSecretLink, parseSecretLink, type ParsedSecretLink } from './link';
