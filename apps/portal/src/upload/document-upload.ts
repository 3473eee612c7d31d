import { DOCUMENT_PATHS, type DocumentFileState, type PublicDocumentRequest } from '@vouchsafe/contracts';
import { createDocumentEncryptor, fromBase64Url, toBase64Url } from '@vouchsafe/crypto';

/**
 * The customer's side of a document request (issue 11; services/api/src/modules/documents/NOTES.md): each file is
 * encrypted in this browser to the request's public key, chunk by chunk, and uploaded with retries. A dropped
 * connection is resumed from the state the server reports (the chunks it has), with doubling backoff.
 */

export const CHUNK_BYTES = 1024 * 1024;

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type UploadFailure = 'closed' | 'gone' | 'rejected' | 'unreachable';

export class UploadError extends Error {
  constructor(readonly kind: UploadFailure) {
    super(kind);
  }
}

const REQUEST_DEFAULTS: RequestInit = { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'error' };

export interface DocumentClient {
  metadata(): Promise<PublicDocumentRequest>;
  upload(file: { bytes: Uint8Array; name: string; mediaType: string }, onProgress: (sent: number, total: number) => void): Promise<void>;
  finish(): Promise<void>;
}

export interface ClientOptions {
  fetch?: FetchLike;
  base?: string;
  tenant?: string;
  /** Waits between retries: the first, doubling up to 8 s. Tests pass 1. */
  backoffMs?: number;
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

function failureOf(status: number): UploadFailure | undefined {
  if (status === 404) return 'gone';
  if (status === 409) return 'closed';
  if (status >= 400 && status < 500 && status !== 429) return 'rejected';
  return undefined; // 429, 5xx: retry
}

export function createDocumentClient(requestId: string, opts: ClientOptions = {}): DocumentClient {
  const doFetch: FetchLike = opts.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const base = opts.base ?? '';
  const tenant = opts.tenant;
  const attempts = opts.attempts ?? 6;
  const backoff = opts.backoffMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** One call with retries on network errors, 429 and 5xx; a definite refusal throws at once. */
  async function call(path: string, init: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let res: Response | undefined;
      try {
        res = await doFetch(`${base}${path}`, { ...REQUEST_DEFAULTS, ...init });
      } catch {
        res = undefined;
      }
      if (res?.ok) return res;
      const failure = res ? failureOf(res.status) : undefined;
      if (failure) throw new UploadError(failure);
      if (attempt >= attempts) throw new UploadError('unreachable');
      await sleep(Math.min(backoff * 2 ** (attempt - 1), 8_000));
    }
  }
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const binary = (body: Uint8Array): RequestInit => ({
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });

  let meta: PublicDocumentRequest | undefined;
  async function metadata(): Promise<PublicDocumentRequest> {
    const res = await call(DOCUMENT_PATHS.request(requestId, tenant), { method: 'GET', headers: { Accept: 'application/json' } });
    meta = (await res.json()) as PublicDocumentRequest;
    return meta;
  }

  async function upload(file: { bytes: Uint8Array; name: string; mediaType: string }, onProgress: (sent: number, total: number) => void) {
    const m = meta ?? (await metadata());
    const fileId = toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
    const enc = await createDocumentEncryptor(fromBase64Url(m.publicKey), {
      requestId,
      fileId,
      mediaType: file.mediaType,
      sizeBytes: file.bytes.length,
      chunkBytes: CHUNK_BYTES,
    });
    await call(
      DOCUMENT_PATHS.files(requestId, tenant),
      json({
        id: fileId,
        mediaType: file.mediaType,
        sizeBytes: file.bytes.length,
        chunkBytes: CHUNK_BYTES,
        ephemeralPublicKey: toBase64Url(enc.ephemeralPublicKey),
      }),
    );
    await call(DOCUMENT_PATHS.name(requestId, fileId, tenant), binary(await enc.encryptName(file.name)));
    const total = enc.chunkCount;
    // Resume loop: send what the server does not have; after a failure that outlived the retries of one chunk, ask
    // the state and continue from there (a chunk the server already has answers 200 and is not stored twice).
    for (let round = 0; ; round++) {
      const state = (await (await call(DOCUMENT_PATHS.file(requestId, fileId, tenant), { method: 'GET' })).json()) as DocumentFileState;
      const have = new Set(state.received);
      onProgress(have.size, total);
      if (have.size === total) break;
      try {
        for (let i = 0; i < total; i++) {
          if (have.has(i)) continue;
          const plain = file.bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
          await call(DOCUMENT_PATHS.chunk(requestId, fileId, i, tenant), binary(await enc.encryptChunk(i, plain)));
          have.add(i);
          onProgress(have.size, total);
        }
      } catch (err) {
        if (!(err instanceof UploadError) || err.kind !== 'unreachable' || round >= 3) throw err;
      }
    }
    await call(DOCUMENT_PATHS.finishFile(requestId, fileId, tenant), { method: 'POST' });
  }

  async function finish() {
    await call(DOCUMENT_PATHS.finish(requestId, tenant), { method: 'POST' });
  }

  return { metadata, upload, finish };
}

/** `/d/{id}` or `/t/{slug}/d/{id}`; undefined for anything else. */
export function parseDocumentLocation(pathname: string): { id: string; tenant?: string } | undefined {
  const m = /^(?:\/t\/([a-z0-9][a-z0-9-]{1,39}))?\/d\/([A-Za-z0-9_-]{22})\/?$/.exec(pathname);
  if (!m) return undefined;
  return m[1] ? { id: m[2]!, tenant: m[1] } : { id: m[2]! };
}
