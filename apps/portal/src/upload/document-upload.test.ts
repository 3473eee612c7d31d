import { describe, expect, it } from 'vitest';
import { DOCUMENT_PATHS, type PublicDocumentRequest } from '@vouchsafe/contracts';
import { createDocumentDecryptor, fromBase64Url, generateRequestKeyPair, toBase64Url } from '@vouchsafe/crypto';
import { CHUNK_BYTES, createDocumentClient, parseDocumentLocation, UploadError } from './document-upload';

const ID = 'AbCdEfGhIjKlMnOpQrStUv';

/**
 * An in-memory stand-in of the public upload routes, as strict as the API about what it stores (exact chunk
 * indexes, idempotent puts), with a switch that drops the connection of chosen chunk puts.
 */
async function fakeServer(opts: { dropPuts?: number[]; status?: PublicDocumentRequest['status'] } = {}) {
  const pair = await generateRequestKeyPair();
  const files = new Map<string, { body: Record<string, unknown>; chunks: Map<number, Uint8Array>; name?: Uint8Array; complete: boolean }>();
  let putNo = 0;
  let fulfilled = false;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const method = init.method ?? 'GET';
    if (method === 'GET' && url === DOCUMENT_PATHS.request(ID)) {
      return json(200, { publicKey: toBase64Url(pair.publicKey), status: opts.status ?? 'open', allowedTypes: ['application/pdf'] });
    }
    if ((opts.status ?? 'open') !== 'open' || fulfilled)
      return json(409, { error: { code: 'document_request_closed', message: 'closed' } });
    if (method === 'POST' && url === DOCUMENT_PATHS.files(ID)) {
      const body = JSON.parse(String(init.body)) as { id: string };
      files.set(body.id, { body, chunks: new Map(), complete: false });
      return json(201, {});
    }
    const m = /\/files\/([^/]+)(?:\/(chunks\/(\d+)|name|finish))?$/.exec(url);
    const file = m && files.get(m[1]!);
    if (!file) return json(404, {});
    if (method === 'PUT' && m[2] === 'name') {
      file.name = new Uint8Array(init.body as Uint8Array);
      return new Response(null, { status: 201 });
    }
    if (method === 'PUT' && m[3] !== undefined) {
      putNo++;
      if (opts.dropPuts?.includes(putNo)) throw new TypeError('Failed to fetch');
      const i = Number(m[3]);
      if (file.chunks.has(i)) return new Response(null, { status: 200 });
      file.chunks.set(i, new Uint8Array(init.body as Uint8Array));
      return new Response(null, { status: 201 });
    }
    if (method === 'GET') return json(200, { received: [...file.chunks.keys()].sort((a, b) => a - b) });
    if (method === 'POST' && m[2] === 'finish') {
      file.complete = true;
      return json(200, {});
    }
    return json(404, {});
  };
  const finishFetch = async (url: string, init: RequestInit) => {
    if (url === DOCUMENT_PATHS.finish(ID)) {
      fulfilled = true;
      return json(200, { status: 'fulfilled', files: files.size });
    }
    return fetch(url, init);
  };
  return { pair, files, fetch: finishFetch };
}

const bytesOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 1) & 0xff);

describe('document upload (the customer page)', () => {
  it('encrypts a multi-chunk file, survives dropped chunk puts with retries, and the agent side decrypts it', async () => {
    const server = await fakeServer({ dropPuts: [2, 3] });
    const client = createDocumentClient(ID, { fetch: server.fetch, backoffMs: 1 });
    const bytes = bytesOf(CHUNK_BYTES * 2 + 77);
    const progress: number[] = [];
    await client.upload({ bytes, name: 'id.pdf', mediaType: 'application/pdf' }, (sent) => progress.push(sent));
    await client.finish();
    const [fileId, file] = [...server.files.entries()][0]!;
    expect(file.complete).toBe(true);
    expect([...file.chunks.keys()].sort()).toEqual([0, 1, 2]);
    expect(progress.at(-1)).toBe(3);
    const body = file.body as { ephemeralPublicKey: string; sizeBytes: number; chunkBytes: number; mediaType: string };
    const dec = await createDocumentDecryptor(server.pair.privateKey, server.pair.publicKey, fromBase64Url(body.ephemeralPublicKey), {
      requestId: ID,
      fileId,
      mediaType: body.mediaType,
      sizeBytes: body.sizeBytes,
      chunkBytes: body.chunkBytes,
    });
    const plain = await dec.decryptAll([0, 1, 2].map((i) => file.chunks.get(i)!));
    expect(Buffer.from(plain).equals(Buffer.from(bytes))).toBe(true);
    expect(await dec.decryptName(file.name!)).toBe('id.pdf');
  });

  it('resumes from the state the server reports after an outage longer than one chunk’s retries', async () => {
    // Chunk puts 2..4 all drop: with 3 attempts per call the loop gives up on that chunk, asks the state, and resumes.
    const server = await fakeServer({ dropPuts: [2, 3, 4] });
    const client = createDocumentClient(ID, { fetch: server.fetch, backoffMs: 1, attempts: 3 });
    await client.upload({ bytes: bytesOf(CHUNK_BYTES + 5), name: 'a.pdf', mediaType: 'application/pdf' }, () => undefined);
    const file = [...server.files.values()][0]!;
    expect([...file.chunks.keys()].sort()).toEqual([0, 1]);
    expect(file.complete).toBe(true);
  });

  it('a closed request is a definite refusal, not retried', async () => {
    const server = await fakeServer({ status: 'fulfilled' });
    const client = createDocumentClient(ID, { fetch: server.fetch, backoffMs: 1 });
    const err = await client
      .upload({ bytes: bytesOf(10), name: 'a.pdf', mediaType: 'application/pdf' }, () => undefined)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).kind).toBe('closed');
  });

  it('parses upload page paths', () => {
    expect(parseDocumentLocation(`/d/${ID}`)).toEqual({ id: ID });
    expect(parseDocumentLocation(`/t/acme-zendesk/d/${ID}`)).toEqual({ id: ID, tenant: 'acme-zendesk' });
    expect(parseDocumentLocation(`/s/${ID}`)).toBeUndefined();
  });
});
