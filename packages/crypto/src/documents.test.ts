import { describe, expect, it } from 'vitest';
import {
  chunkCountOf,
  createDocumentDecryptor,
  createDocumentEncryptor,
  generateRequestKeyPair,
  generateReviewKey,
  openRequestPrivateKey,
  sealRequestPrivateKey,
  MIN_CHUNK_BYTES,
  type DocumentFileParams,
} from './index';
import { codeOf } from './error-codes.testing';

const CHUNK = MIN_CHUNK_BYTES;
const fileOf = (size: number): Uint8Array => Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
const params = (size: number, over: Partial<DocumentFileParams> = {}): DocumentFileParams => ({
  requestId: 'req-A',
  fileId: 'file-1',
  mediaType: 'application/pdf',
  sizeBytes: size,
  chunkBytes: CHUNK,
  ...over,
});

/** The customer's side: every chunk of `bytes`, plus what the server would store for the file. */
async function upload(requestPublicKey: Uint8Array, bytes: Uint8Array, p: DocumentFileParams) {
  const enc = await createDocumentEncryptor(requestPublicKey, p);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < enc.chunkCount; i++) chunks.push(await enc.encryptChunk(i, bytes.subarray(i * CHUNK, (i + 1) * CHUNK)));
  return { chunks, ephemeralPublicKey: enc.ephemeralPublicKey, name: await enc.encryptName('Passport – Müller.pdf') };
}

describe('document encryption (request key pair, per-file ECDH, chunked AES-GCM)', () => {
  it('round-trips a multi-chunk file and its name through the sealed private key; the ciphertext holds no plaintext run', async () => {
    const pair = await generateRequestKeyPair();
    const reviewKey = generateReviewKey();
    const sealedKey = await sealRequestPrivateKey(pair, reviewKey);
    const bytes = fileOf(CHUNK * 2 + 1234);
    const p = params(bytes.length);
    const up = await upload(pair.publicKey, bytes, p);
    expect(up.chunks).toHaveLength(3);
    expect(up.chunks.map((c) => c.length)).toEqual([CHUNK + 16, CHUNK + 16, 1234 + 16]);
    expect(Buffer.concat(up.chunks).includes(Buffer.from(bytes.subarray(100, 132)))).toBe(false);

    const privateKey = await openRequestPrivateKey(sealedKey, reviewKey, pair.publicKey);
    const dec = await createDocumentDecryptor(privateKey, pair.publicKey, up.ephemeralPublicKey, p);
    expect(Buffer.from(await dec.decryptAll(up.chunks)).equals(Buffer.from(bytes))).toBe(true);
    expect(await dec.decryptName(up.name)).toBe('Passport – Müller.pdf');
  });

  it('an empty file is one authenticated chunk', async () => {
    const pair = await generateRequestKeyPair();
    const p = params(0);
    const up = await upload(pair.publicKey, new Uint8Array(0), p);
    expect(chunkCountOf(0, CHUNK)).toBe(1);
    const dec = await createDocumentDecryptor(pair.privateKey, pair.publicKey, up.ephemeralPublicKey, p);
    expect((await dec.decryptAll(up.chunks)).length).toBe(0);
  });

  it('refuses a tampered, reordered, truncated or extended file, and a relabelled media type or size', async () => {
    const pair = await generateRequestKeyPair();
    const bytes = fileOf(CHUNK * 2 + 10);
    const p = params(bytes.length);
    const up = await upload(pair.publicKey, bytes, p);
    const dec = await createDocumentDecryptor(pair.privateKey, pair.publicKey, up.ephemeralPublicKey, p);
    const [c0, c1, c2] = up.chunks as [Uint8Array, Uint8Array, Uint8Array];

    const flipped = Uint8Array.from(c1);
    flipped[5]! ^= 1;
    expect(await codeOf(dec.decryptAll([c0, flipped, c2]))).toBe('decrypt_failed');
    expect(await codeOf(dec.decryptAll([c1, c0, c2]))).toBe('decrypt_failed');
    expect(await codeOf(dec.decryptAll([c0, c1]))).toBe('decrypt_failed');
    expect(await codeOf(dec.decryptAll([c0, c1, c2, c2]))).toBe('decrypt_failed');
    expect(await codeOf(dec.decryptChunk(1, c0))).toBe('decrypt_failed');

    // Truncation by lying about the size: the server says the file ends after chunk 1.
    const shorter = await createDocumentDecryptor(pair.privateKey, pair.publicKey, up.ephemeralPublicKey, params(CHUNK * 2));
    expect(await codeOf(shorter.decryptAll([c0, c1]))).toBe('decrypt_failed');
    const relabelled = await createDocumentDecryptor(pair.privateKey, pair.publicKey, up.ephemeralPublicKey, {
      ...p,
      mediaType: 'image/png',
    });
    expect(await codeOf(relabelled.decryptChunk(0, c0))).toBe('decrypt_failed');
  });

  it('binds chunks to their file and request: a chunk or name moved elsewhere fails', async () => {
    const pair = await generateRequestKeyPair();
    const bytes = fileOf(CHUNK);
    const a = await upload(pair.publicKey, bytes, params(bytes.length));
    // Same ephemeral key but another file id / request id: the derived content key differs.
    for (const over of [{ fileId: 'file-2' }, { requestId: 'req-B' }]) {
      const dec = await createDocumentDecryptor(pair.privateKey, pair.publicKey, a.ephemeralPublicKey, params(bytes.length, over));
      expect(await codeOf(dec.decryptChunk(0, a.chunks[0]!))).toBe('decrypt_failed');
      expect(await codeOf(dec.decryptName(a.name))).toBe('decrypt_failed');
    }
    // A name is not a chunk and a chunk is not a name (separate IV and AAD domains).
    const dec = await createDocumentDecryptor(pair.privateKey, pair.publicKey, a.ephemeralPublicKey, params(bytes.length));
    expect(await codeOf(dec.decryptName(a.chunks[0]!))).toBe('decrypt_failed');
  });

  it('another request key cannot read the file, and the sealed private key opens only with its review key and public key', async () => {
    const pair = await generateRequestKeyPair();
    const other = await generateRequestKeyPair();
    const bytes = fileOf(100);
    const p = params(bytes.length);
    const up = await upload(pair.publicKey, bytes, p);
    const wrong = await createDocumentDecryptor(other.privateKey, pair.publicKey, up.ephemeralPublicKey, p);
    expect(await codeOf(wrong.decryptChunk(0, up.chunks[0]!))).toBe('decrypt_failed');

    const reviewKey = generateReviewKey();
    const sealed = await sealRequestPrivateKey(pair, reviewKey);
    expect(await codeOf(openRequestPrivateKey(sealed, generateReviewKey(), pair.publicKey))).toBe('decrypt_failed');
    expect(await codeOf(openRequestPrivateKey(sealed, reviewKey, other.publicKey))).toBe('decrypt_failed');
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(await codeOf(openRequestPrivateKey(tampered, reviewKey, pair.publicKey))).toBe('decrypt_failed');
  });

  it('refuses bad inputs before encrypting: wrong chunk length, out-of-range index, chunk size out of bounds, a point off the curve', async () => {
    const pair = await generateRequestKeyPair();
    const enc = await createDocumentEncryptor(pair.publicKey, params(CHUNK + 1));
    expect(await codeOf(enc.encryptChunk(0, new Uint8Array(CHUNK - 1)))).toBe('invalid_argument');
    expect(await codeOf(enc.encryptChunk(2, new Uint8Array(1)))).toBe('invalid_argument');
    expect(await codeOf(createDocumentEncryptor(pair.publicKey, params(10, { chunkBytes: 1024 })))).toBe('invalid_argument');
    const offCurve = Uint8Array.from(pair.publicKey);
    offCurve[64]! ^= 1;
    expect(await codeOf(createDocumentEncryptor(offCurve, params(10)))).toBe('invalid_argument');
  });

  it('each file gets its own key: the same bytes encrypt differently twice', async () => {
    const pair = await generateRequestKeyPair();
    const bytes = fileOf(64);
    const a = await upload(pair.publicKey, bytes, params(64));
    const b = await upload(pair.publicKey, bytes, params(64));
    expect(Buffer.from(a.chunks[0]!).equals(Buffer.from(b.chunks[0]!))).toBe(false);
  });
});
