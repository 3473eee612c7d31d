import { ascii, concat, own, randomBytes } from './bytes';
import { CryptoError } from './errors';

/**
 * Document requests (issue 11): the customer's browser encrypts each file to the request's public
 * key; only the holder of the request's private key (the agent's sidebar, with the review key the
 * desk keeps) can read it. Rules and the threat table: services/api/src/modules/documents/NOTES.md.
 *
 * - Request key pair: ECDH P-256, made by the sidebar. The public key (65-byte uncompressed point)
 *   goes to the API; the private key (PKCS#8) leaves the sidebar only sealed under a 256-bit review
 *   key (`sealRequestPrivateKey`), and the review key never goes to Vouchsafe's API.
 * - Per file: a fresh ephemeral ECDH key pair; content key = HKDF-SHA256(ECDH(ephemeral, request),
 *   salt = ephemeral point ‖ request point, info = label ‖ request id ‖ file id). A new file, even of
 *   the same request, never shares a key with another.
 * - Per chunk: AES-256-GCM; IV = 0x00000000 ‖ u32 index ‖ u32 domain (0 chunk, 1 name); AAD binds
 *   the request id, file id, media type, plaintext size, chunk size, chunk index and chunk count. A
 *   chunk moved to another index, file or request, a truncated or extended file, or a relabelled
 *   media type fails authentication.
 */

export const DOCUMENT_FORMAT_VERSION = 1;
export const REVIEW_KEY_BYTES = 32;
export const P256_POINT_BYTES = 65;
export const TAG_BYTES = 16;
export const MIN_CHUNK_BYTES = 64 * 1024;
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
export const MAX_NAME_BYTES = 255;

const LABEL_CONTENT = 'vouchsafe/document/v1/content';
const LABEL_CHUNK = 'vouchsafe/document/v1/chunk';
const LABEL_NAME = 'vouchsafe/document/v1/name';
const LABEL_PRIVATE_KEY = 'vouchsafe/document/v1/request-private-key';
const DOMAIN_CHUNK = 0;
const DOMAIN_NAME = 1;
const IV_BYTES = 12;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

export interface RequestKeyPair {
  /** Uncompressed P-256 point (65 bytes): sent to the API with the request. */
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

export async function generateRequestKeyPair(): Promise<RequestKeyPair> {
  const pair = await subtle().generateKey(ECDH, true, ['deriveBits']);
  return { publicKey: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)), privateKey: pair.privateKey };
}

export function generateReviewKey(): Uint8Array {
  return randomBytes(REVIEW_KEY_BYTES);
}

function assertPoint(point: Uint8Array, what: string): void {
  if (point.length !== P256_POINT_BYTES || point[0] !== 4) {
    throw new CryptoError('invalid_argument', `${what} must be an uncompressed P-256 point`);
  }
}

async function importPoint(point: Uint8Array, what: string): Promise<CryptoKey> {
  assertPoint(point, what);
  try {
    return await subtle().importKey('raw', own(point), ECDH, true, []);
  } catch (err) {
    // Not on the curve: WebCrypto refuses it, and so do we.
    throw new CryptoError('invalid_argument', `${what} is not a valid P-256 point`, { cause: err });
  }
}

async function reviewAesKey(reviewKey: Uint8Array): Promise<CryptoKey> {
  if (reviewKey.length !== REVIEW_KEY_BYTES) throw new CryptoError('invalid_argument', `A review key is ${REVIEW_KEY_BYTES} bytes`);
  return subtle().importKey('raw', own(reviewKey), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/**
 * The request's private key, sealed under the review key: version ‖ IV ‖ AES-GCM(PKCS#8), AAD =
 * label ‖ the request's public key, so a sealed key cannot be passed off as another request's.
 */
export async function sealRequestPrivateKey(pair: RequestKeyPair, reviewKey: Uint8Array): Promise<Uint8Array> {
  assertPoint(pair.publicKey, 'The request public key');
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  const iv = randomBytes(IV_BYTES);
  const sealed = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: concat(ascii(LABEL_PRIVATE_KEY), pair.publicKey) },
    await reviewAesKey(reviewKey),
    pkcs8,
  );
  pkcs8.fill(0);
  return concat(Uint8Array.of(DOCUMENT_FORMAT_VERSION), iv, new Uint8Array(sealed));
}

export async function openRequestPrivateKey(sealed: Uint8Array, reviewKey: Uint8Array, publicKey: Uint8Array): Promise<CryptoKey> {
  assertPoint(publicKey, 'The request public key');
  if (sealed[0] !== DOCUMENT_FORMAT_VERSION) throw new CryptoError('unsupported_version', 'Unsupported sealed key format');
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new CryptoError('decrypt_failed', 'Sealed key is truncated');
  let pkcs8: ArrayBuffer;
  try {
    pkcs8 = await subtle().decrypt(
      { name: 'AES-GCM', iv: own(sealed.subarray(1, 1 + IV_BYTES)), additionalData: concat(ascii(LABEL_PRIVATE_KEY), publicKey) },
      await reviewAesKey(reviewKey),
      own(sealed.subarray(1 + IV_BYTES)),
    );
  } catch (err) {
    throw new CryptoError('decrypt_failed', 'The request key could not be opened with this review key', { cause: err });
  }
  return subtle().importKey('pkcs8', pkcs8, ECDH, false, ['deriveBits']);
}

/** What every chunk of a file is bound to (all of it is known to the server; none of it is secret). */
export interface DocumentFileParams {
  requestId: string;
  fileId: string;
  /** As checked by content in the customer's browser, e.g. `application/pdf`. */
  mediaType: string;
  sizeBytes: number;
  chunkBytes: number;
}

export function chunkCountOf(sizeBytes: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / chunkBytes));
}

/** Plaintext length of chunk `index` (the last one holds the rest; an empty file is one empty chunk). */
export function chunkPlainBytes(p: Pick<DocumentFileParams, 'sizeBytes' | 'chunkBytes'>, index: number): number {
  const count = chunkCountOf(p.sizeBytes, p.chunkBytes);
  return index < count - 1 ? p.chunkBytes : p.sizeBytes - p.chunkBytes * (count - 1);
}

function assertParams(p: DocumentFileParams): number {
  if (!Number.isSafeInteger(p.sizeBytes) || p.sizeBytes < 0) throw new CryptoError('invalid_argument', 'File size must be a byte count');
  if (!Number.isSafeInteger(p.chunkBytes) || p.chunkBytes < MIN_CHUNK_BYTES || p.chunkBytes > MAX_CHUNK_BYTES) {
    throw new CryptoError('invalid_argument', `Chunk size must be ${MIN_CHUNK_BYTES} to ${MAX_CHUNK_BYTES} bytes`);
  }
  if (p.requestId === '' || p.fileId === '' || p.mediaType === '')
    throw new CryptoError('invalid_argument', 'Ids and media type are required');
  return chunkCountOf(p.sizeBytes, p.chunkBytes);
}

const u32 = (n: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
};
const u64 = (n: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
};
/** Length-prefixed text, so no two different field lists serialise to the same bytes. */
const field = (s: string): Uint8Array => {
  const bytes = ascii(s);
  return concat(u32(bytes.length), bytes);
};

function ivFor(domain: number, index: number): Uint8Array<ArrayBuffer> {
  return concat(u32(0), u32(index), u32(domain));
}

function aadFor(label: string, p: DocumentFileParams, index: number, count: number): Uint8Array<ArrayBuffer> {
  return concat(
    Uint8Array.of(DOCUMENT_FORMAT_VERSION),
    field(label),
    field(p.requestId),
    field(p.fileId),
    field(p.mediaType),
    u64(p.sizeBytes),
    u32(p.chunkBytes),
    u32(index),
    u32(count),
  );
}

async function contentKey(
  privateKey: CryptoKey,
  peer: CryptoKey,
  ephemeralPoint: Uint8Array,
  requestPoint: Uint8Array,
  p: DocumentFileParams,
) {
  const shared = await subtle().deriveBits({ name: 'ECDH', public: peer }, privateKey, 256);
  const base = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: concat(ephemeralPoint, requestPoint),
      info: concat(field(LABEL_CONTENT), field(p.requestId), field(p.fileId)),
    },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export interface DocumentEncryptor {
  /** Sent to the API when the file starts; the agent's side needs it to derive the content key. */
  ephemeralPublicKey: Uint8Array;
  chunkCount: number;
  encryptChunk(index: number, plaintext: Uint8Array): Promise<Uint8Array>;
  /** The file's name, encrypted: the server never learns it (a name can carry personal data). */
  encryptName(name: string): Promise<Uint8Array>;
}

/** The customer's side: one encryptor per file, kept for the page's life so an interrupted upload resumes. */
export async function createDocumentEncryptor(requestPublicKey: Uint8Array, p: DocumentFileParams): Promise<DocumentEncryptor> {
  const count = assertParams(p);
  const peer = await importPoint(requestPublicKey, 'The request public key');
  const eph = await subtle().generateKey(ECDH, true, ['deriveBits']);
  const ephemeralPublicKey = new Uint8Array(await subtle().exportKey('raw', eph.publicKey));
  const key = await contentKey(eph.privateKey, peer, ephemeralPublicKey, requestPublicKey, p);
  return {
    ephemeralPublicKey,
    chunkCount: count,
    async encryptChunk(index, plaintext) {
      if (!Number.isInteger(index) || index < 0 || index >= count) throw new CryptoError('invalid_argument', 'Chunk index out of range');
      if (plaintext.length !== chunkPlainBytes(p, index)) throw new CryptoError('invalid_argument', 'Chunk has the wrong length');
      const ct = await subtle().encrypt(
        { name: 'AES-GCM', iv: ivFor(DOMAIN_CHUNK, index), additionalData: aadFor(LABEL_CHUNK, p, index, count) },
        key,
        own(plaintext),
      );
      return new Uint8Array(ct);
    },
    async encryptName(name) {
      const bytes = ascii(name.normalize('NFC'));
      if (bytes.length > MAX_NAME_BYTES) throw new CryptoError('invalid_argument', `A file name is at most ${MAX_NAME_BYTES} bytes`);
      const ct = await subtle().encrypt(
        { name: 'AES-GCM', iv: ivFor(DOMAIN_NAME, 0), additionalData: aadFor(LABEL_NAME, p, 0, count) },
        key,
        bytes,
      );
      return new Uint8Array(ct);
    },
  };
}

export interface DocumentDecryptor {
  chunkCount: number;
  decryptChunk(index: number, ciphertext: Uint8Array): Promise<Uint8Array>;
  decryptName(ciphertext: Uint8Array): Promise<string>;
  /** Every chunk, in order, exactly `chunkCount` of them: the whole file or an error. */
  decryptAll(chunks: readonly Uint8Array[]): Promise<Uint8Array>;
}

const failed = (what: string, cause: unknown) =>
  new CryptoError('decrypt_failed', `${what} failed authentication (tampered, reordered, truncated or not for this key)`, { cause });

/** The agent's side: the request's private key (opened with the review key) and what the server stored for the file. */
export async function createDocumentDecryptor(
  privateKey: CryptoKey,
  requestPublicKey: Uint8Array,
  ephemeralPublicKey: Uint8Array,
  p: DocumentFileParams,
): Promise<DocumentDecryptor> {
  const count = assertParams(p);
  assertPoint(requestPublicKey, 'The request public key');
  const peer = await importPoint(ephemeralPublicKey, 'The file key');
  const key = await contentKey(privateKey, peer, ephemeralPublicKey, requestPublicKey, p);
  async function decryptChunk(index: number, ciphertext: Uint8Array): Promise<Uint8Array> {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new CryptoError('decrypt_failed', 'Chunk index out of range');
    try {
      const pt = await subtle().decrypt(
        { name: 'AES-GCM', iv: ivFor(DOMAIN_CHUNK, index), additionalData: aadFor(LABEL_CHUNK, p, index, count) },
        key,
        own(ciphertext),
      );
      return new Uint8Array(pt);
    } catch (err) {
      throw failed(`Chunk ${index}`, err);
    }
  }
  return {
    chunkCount: count,
    decryptChunk,
    async decryptName(ciphertext) {
      try {
        const pt = await subtle().decrypt(
          { name: 'AES-GCM', iv: ivFor(DOMAIN_NAME, 0), additionalData: aadFor(LABEL_NAME, p, 0, count) },
          key,
          own(ciphertext),
        );
        return new TextDecoder('utf-8', { fatal: true }).decode(pt);
      } catch (err) {
        throw failed('The file name', err);
      }
    },
    async decryptAll(chunks) {
      if (chunks.length !== count) throw new CryptoError('decrypt_failed', `Expected ${count} chunks, got ${chunks.length}`);
      const out = new Uint8Array(p.sizeBytes);
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const plain = await decryptChunk(i, chunks[i]!);
        out.set(plain, offset);
        offset += plain.length;
      }
      if (offset !== p.sizeBytes) throw new CryptoError('decrypt_failed', 'The file is not the size it was sealed with');
      return out;
    },
  };
}
