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
export {
  generateRequestKeyPair,
  generateReviewKey,
  sealRequestPrivateKey,
  openRequestPrivateKey,
  createDocumentEncryptor,
  createDocumentDecryptor,
  chunkCountOf,
  chunkPlainBytes,
  DOCUMENT_FORMAT_VERSION,
  MIN_CHUNK_BYTES,
  MAX_CHUNK_BYTES,
  MAX_NAME_BYTES,
  P256_POINT_BYTES,
  REVIEW_KEY_BYTES,
  type RequestKeyPair,
  type DocumentFileParams,
  type DocumentEncryptor,
  type DocumentDecryptor,
} from './documents';
