import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DOCUMENT_PATHS, type CreateDocumentRequest } from '@vouchsafe/contracts';
import {
  createDocumentDecryptor,
  createDocumentEncryptor,
  fromBase64Url,
  generateRequestKeyPair,
  generateReviewKey,
  openRequestPrivateKey,
  sealRequestPrivateKey,
  toBase64Url,
  MIN_CHUNK_BYTES,
} from '@vouchsafe/crypto';
import { ensurePgDump } from '@vouchsafe/test-support';
import { generateKeyEntry, Keyring } from '../src/modules/keys/keyring';
import { parseKeyring } from '../src/config';
import { rotateKeys } from '../src/modules/keys/rotate-keys';
import { chunkBinding, requestKeyBinding } from '../src/modules/documents/document-bindings';
import { api } from './harness';
import { eventually, notesOn, openSidebar, sidebar, startSidebarWorld, type Agent, type SidebarWorld } from './sidebar-support';

/**
 * Issue 11: document requests end to end over HTTP on a real Postgres — request from a sidebar, encrypted chunked
 * upload as the customer's page does it (packages/crypto), review in the sidebar, deletion checked with SQL.
 */

const execFileAsync = promisify(execFile);
const CHUNK = MIN_CHUNK_BYTES;
const K1 = generateKeyEntry('k1');
let w: SidebarWorld;

beforeAll(async () => {
  w = await startSidebarWorld({ keys: K1 });
});
afterAll(async () => {
  await w?.close();
});

interface Requested {
  id: string;
  link: string;
  slug: string;
  reviewKey: Uint8Array;
}

async function request(a: Agent, over: Partial<CreateDocumentRequest> = {}): Promise<Requested> {
  const pair = await generateRequestKeyPair();
  const reviewKey = generateReviewKey();
  const res = await sidebar(w, a, 'POST', '/document-requests', {
    presets: ['photo_id', 'proof_of_address'],
    maxFiles: 2,
    publicKey: toBase64Url(pair.publicKey),
    sealedPrivateKey: toBase64Url(await sealRequestPrivateKey(pair, reviewKey)),
    ...over,
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const slug = /\/t\/([^/]+)\/d\//.exec(res.json.link)![1]!;
  return { id: res.json.id, link: res.json.link, slug, reviewKey };
}

/** The customer's page: start a file, put its name and chunks (`skip`: indexes not sent), optionally finish it. */
async function upload(r: Requested, bytes: Uint8Array, opts: { skip?: number[]; finish?: boolean; mediaType?: string } = {}) {
  const meta = await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, r.slug));
  expect(meta.status).toBe(200);
  const fileId = toBase64Url(randomBytes(16));
  const mediaType = opts.mediaType ?? 'application/pdf';
  const enc = await createDocumentEncryptor(fromBase64Url(meta.json.publicKey), {
    requestId: r.id,
    fileId,
    mediaType,
    sizeBytes: bytes.length,
    chunkBytes: CHUNK,
  });
  const start = await api(w.t.url, 'POST', DOCUMENT_PATHS.files(r.id, r.slug), {
    id: fileId,
    mediaType,
    sizeBytes: bytes.length,
    chunkBytes: CHUNK,
    ephemeralPublicKey: toBase64Url(enc.ephemeralPublicKey),
  });
  if (start.status !== 201) return { fileId, status: start.status, json: start.json };
  await put(DOCUMENT_PATHS.name(r.id, fileId, r.slug), await enc.encryptName('passport scan.pdf'));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < enc.chunkCount; i++) chunks.push(await enc.encryptChunk(i, bytes.subarray(i * CHUNK, (i + 1) * CHUNK)));
  for (let i = 0; i < chunks.length; i++) {
    if (!opts.skip?.includes(i)) expect((await put(DOCUMENT_PATHS.chunk(r.id, fileId, i, r.slug), chunks[i]!)).status).toBe(201);
  }
  const finished = opts.finish === false ? undefined : await api(w.t.url, 'POST', DOCUMENT_PATHS.finishFile(r.id, fileId, r.slug));
  return { fileId, status: finished?.status ?? 201, json: finished?.json, chunks };
}

const put = (path: string, body: Uint8Array) =>
  fetch(`${w.t.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(body) });

const chunkRows = async (requestId: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM document_chunks WHERE request_id = ${requestId}`.execute(w.t.db)).rows[0]!.n;

/** A file whose every 64-byte window is unique to this run, so any plaintext leak is findable. */
function canaryFile(size: number, run: string): Uint8Array {
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += 64) out.write(`CANARY-${run}-${String(o).padStart(9, '0')}-`.padEnd(64, '#'), o, 'latin1');
  return out;
}

describe('document requests', () => {
  it('request → encrypted chunked upload with a resume → review in the sidebar deletes every chunk; no plaintext in the database or logs', async () => {
    const a = await openSidebar(w, 'zendesk');
    const r = await request(a, { note: 'Also the page with your signature, call me on +44 7700 900123' });
    await eventually(() =>
      expect(notesOn(w, a).some((n) => n.startsWith('Vouchsafe · Documents requested: photo ID, proof of address, other'))).toBe(true),
    );

    // The public page: who asks and what, nothing else (no agent id, no link, no phone from the note).
    const meta = await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, r.slug));
    expect(Object.keys(meta.json).sort()).toEqual(
      [
        'agentFirstName',
        'allowedTypes',
        'bankName',
        'expiresAt',
        'files',
        'maxFileBytes',
        'maxFiles',
        'note',
        'presets',
        'publicKey',
        'status',
        'ticketRef',
      ].sort(),
    );
    expect(meta.json).toMatchObject({ ticketRef: a.ticketId, status: 'open', maxFiles: 2, maxFileBytes: 25 * 1024 * 1024 });
    expect(meta.json.agentFirstName).toBe(w.desks.state.zendesk.agents[0]!.name.split(' ')[0]);
    expect(meta.json.note).not.toContain('7700 900123');

    // Three chunks; chunk 1 "drops" and is resumed from the state the server reports; a repeated chunk changes nothing.
    const run = randomUUID();
    const bytes = canaryFile(CHUNK * 2 + 5000, run);
    const up = await upload(r, bytes, { skip: [1], finish: false });
    const early = await api(w.t.url, 'POST', DOCUMENT_PATHS.finishFile(r.id, up.fileId, r.slug));
    expect(early.status).toBe(409);
    const state = await api(w.t.url, 'GET', DOCUMENT_PATHS.file(r.id, up.fileId, r.slug));
    expect(state.json).toMatchObject({ chunkCount: 3, received: [0, 2], hasName: true, isComplete: false });
    expect((await put(DOCUMENT_PATHS.chunk(r.id, up.fileId, 1, r.slug), up.chunks![1]!)).status).toBe(201);
    expect((await put(DOCUMENT_PATHS.chunk(r.id, up.fileId, 1, r.slug), up.chunks![1]!)).status).toBe(200);
    expect((await api(w.t.url, 'POST', DOCUMENT_PATHS.finishFile(r.id, up.fileId, r.slug))).json).toMatchObject({ isComplete: true });
    const done = await api(w.t.url, 'POST', DOCUMENT_PATHS.finish(r.id, r.slug));
    expect(done.json).toEqual({ status: 'fulfilled', files: 1 });
    await eventually(() => expect(notesOn(w, a).some((n) => n.startsWith('Vouchsafe · Documents received: 1 file ('))).toBe(true));

    // Fulfilled: no more uploads, nothing stored.
    expect(await chunkRows(r.id)).toBe(4);
    expect((await put(DOCUMENT_PATHS.chunk(r.id, up.fileId, 0, r.slug), up.chunks![0]!)).status).toBe(409);
    const late = await upload(r, canaryFile(100, run));
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('document_request_closed');
    expect(await chunkRows(r.id)).toBe(4);

    // No plaintext at rest: a data-only pg_dump holds the request (positive twin) but no 64-byte window of the file.
    const { stdout: dump } = await execFileAsync(await ensurePgDump(), ['--data-only', '--no-password', `--dbname=${w.t.database.url}`], {
      encoding: 'latin1',
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(dump).toContain(r.id);
    expect(dump).not.toContain(`CANARY-${run}`);
    expect(dump).not.toContain('passport scan');
    const logs = w.t.logs.join('');
    expect(logs).toContain('"msg":"document request fulfilled"');
    expect(logs).not.toContain(`CANARY-${run}`);
    expect(logs).not.toContain(r.id);

    // The sidebar lists the file and decrypts it with the review key (which never went to the API).
    const list = await sidebar(w, a, 'GET', '/document-requests');
    expect(list.json.requests[0]).toMatchObject({
      id: r.id,
      status: 'fulfilled',
      files: [{ id: up.fileId, sizeBytes: bytes.length, status: 'complete' }],
    });
    const material = (await sidebar(w, a, 'GET', `/document-requests/${r.id}/material`)).json;
    const publicKey = fromBase64Url(material.publicKey);
    const privateKey = await openRequestPrivateKey(fromBase64Url(material.sealedPrivateKey), r.reviewKey, publicKey);
    const f = material.files[0];
    const dec = await createDocumentDecryptor(privateKey, publicKey, fromBase64Url(f.ephemeralPublicKey), {
      requestId: r.id,
      fileId: f.id,
      mediaType: f.mediaType,
      sizeBytes: f.sizeBytes,
      chunkBytes: f.chunkBytes,
    });
    expect(await dec.decryptName(fromBase64Url(f.encryptedName))).toBe('passport scan.pdf');
    const fetched: Uint8Array[] = [];
    for (let i = 0; i < f.chunkCount; i++) {
      const res = await fetch(`${w.t.url}${DOCUMENT_PATHS.sidebarChunk(r.id, f.id, i)}`, { headers: { 'x-vouchsafe-session': a.session } });
      expect(res.headers.get('cache-control')).toContain('no-store');
      fetched.push(new Uint8Array(await res.arrayBuffer()));
    }
    expect(Buffer.from(await dec.decryptAll(fetched)).equals(Buffer.from(bytes))).toBe(true);

    // Reviewed: payload rows deleted (not flagged) and the sealed key gone, in the same transaction; noted.
    const reviewed = await sidebar(w, a, 'POST', `/document-requests/${r.id}/review`, { outcome: 'accepted' });
    expect(reviewed.status).toBe(200);
    expect(await chunkRows(r.id)).toBe(0);
    const row = (
      await sql<{
        status: string;
        key: Buffer | null;
      }>`SELECT status, key_ciphertext AS key FROM document_requests WHERE id = ${r.id}`.execute(w.t.db)
    ).rows[0]!;
    expect(row).toEqual({ status: 'reviewed', key: null });
    expect((await sidebar(w, a, 'GET', `/document-requests/${r.id}/material`)).status).toBe(404);
    await eventually(() =>
      expect(notesOn(w, a)).toContainEqual(expect.stringMatching(/^Vouchsafe · Documents reviewed and deleted \(accepted\)\n/)),
    );
    for (const note of notesOn(w, a)) expect(note).not.toMatch(/passport|7700|CANARY/);
  });

  it('exactly one of concurrent reviews wins; the rest are told it was already reviewed', async () => {
    const a = await openSidebar(w, 'zendesk', 1);
    const r = await request(a);
    await upload(r, canaryFile(1000, 'x'));
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        sidebar(
          w,
          a,
          'POST',
          `/document-requests/${r.id}/review`,
          i % 2 ? { outcome: 'accepted' } : { outcome: 'rejected', reason: 'blurry' },
        ),
      ),
    );
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const events = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit_events WHERE secret_id = ${r.id} AND type = 'document.reviewed'`.execute(w.t.db);
    expect(events.rows[0]!.n).toBe(1);
    expect(await chunkRows(r.id)).toBe(0);
  });

  it('refuses what does not fit: bad chunk length, unaccepted type, too many files, too large; revoked and expired requests store nothing', async () => {
    const a = await openSidebar(w, 'servicenow');
    const r = await request(a, { allowedTypes: ['image/png'], maxFiles: 1 });
    expect((await upload(r, new Uint8Array(10))).status).toBe(422); // a PDF to a PNG-only request
    const tooBig = await api(w.t.url, 'POST', DOCUMENT_PATHS.files(r.id, r.slug), {
      id: toBase64Url(randomBytes(16)),
      mediaType: 'image/png',
      sizeBytes: 25 * 1024 * 1024 + 1,
      chunkBytes: CHUNK,
      ephemeralPublicKey: toBase64Url((await generateRequestKeyPair()).publicKey),
    });
    expect(tooBig.status).toBe(413);
    const ok = await upload(r, canaryFile(CHUNK + 1, 'y'), { mediaType: 'image/png', finish: false, skip: [1] });
    const short = await put(DOCUMENT_PATHS.chunk(r.id, ok.fileId, 1, r.slug), ok.chunks![1]!.subarray(1));
    expect(short.status).toBe(422);
    expect((await upload(r, new Uint8Array(10), { mediaType: 'image/png' })).status).toBe(409); // max 1 file

    // Revoked from the sidebar: chunks deleted; the customer's next chunk is refused and not stored.
    expect((await sidebar(w, a, 'DELETE', `/document-requests/${r.id}`)).status).toBe(204);
    expect(await chunkRows(r.id)).toBe(0);
    const afterRevoke = await put(DOCUMENT_PATHS.chunk(r.id, ok.fileId, 1, r.slug), ok.chunks![1]!);
    expect(afterRevoke.status).toBe(404); // the file was deleted with the request's payload
    expect((await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, r.slug))).json.status).toBe('closed');

    // Expired: uploads refused at once; the purge job closes it and deletes what was uploaded.
    const e = await request(a);
    const part = await upload(e, canaryFile(CHUNK + 1, 'z'), { finish: false, skip: [1] });
    await sql`UPDATE document_requests SET expires_at = now() - interval '1 second' WHERE id = ${e.id}`.execute(w.t.db);
    const refused = await put(DOCUMENT_PATHS.chunk(e.id, part.fileId, 1, e.slug), part.chunks![1]!);
    expect(refused.status).toBe(409);
    expect(await chunkRows(e.id)).toBe(2);
    expect((await w.t.graph.documents.purge()).expired).toBeGreaterThanOrEqual(1);
    expect(await chunkRows(e.id)).toBe(0);
    await eventually(() => expect(notesOn(w, a)).toContainEqual(expect.stringMatching(/^Vouchsafe · Document request expired/)));
  });

  it('removes a half-finished upload after the abandon timeout (a crash mid-upload leaves no orphan)', async () => {
    const a = await openSidebar(w, 'jira');
    const r = await request(a);
    const part = await upload(r, canaryFile(CHUNK * 2, 'w'), { finish: false, skip: [1] });
    await w.t.graph.documents.purge();
    expect(await chunkRows(r.id)).toBe(2); // recent: kept for a resume
    await sql`UPDATE document_files SET updated_at = now() - interval '2 hours' WHERE id = ${part.fileId}`.execute(w.t.db);
    expect((await w.t.graph.documents.purge()).abandoned).toBe(1);
    expect(await chunkRows(r.id)).toBe(0);
    const files = await sql<{ n: number }>`SELECT count(*)::int AS n FROM document_files WHERE id = ${part.fileId}`.execute(w.t.db);
    expect(files.rows[0]!.n).toBe(0);
    // The request itself stays open: the customer may start again.
    expect((await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, r.slug))).json.status).toBe('open');
  });

  it('a closed ticket ends its open request in the lifecycle transaction: chunks deleted, counted in the one summary note', async () => {
    const a = await openSidebar(w, 'zendesk', 1);
    const r = await request(a);
    await upload(r, canaryFile(CHUNK * 2, 'l'), { finish: false });
    expect(await chunkRows(r.id)).toBe(3); // the encrypted name and two chunks
    const { rows } = await sql<{ tenant_id: string }>`SELECT tenant_id FROM document_requests WHERE id = ${r.id}`.execute(w.t.db);
    const tenant = rows[0]!;
    const result = await w.t.graph.lifecycle.handle({
      kind: 'ticket.closed',
      tenantId: tenant.tenant_id,
      desk: 'zendesk',
      ticketId: a.ticketId,
      eventId: `close-${r.id}`,
      occurredAt: new Date(),
      source: 'webhook',
    });
    expect(result).toMatchObject({ documentRequestsCancelled: 1, isNoted: true });
    expect(await chunkRows(r.id)).toBe(0);
    expect((await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, r.slug))).json.status).not.toBe('open');
    const notes = await sql<{ action: string }>`SELECT action FROM note_outbox WHERE secret_id = ${r.id}`.execute(w.t.db);
    expect(notes.rows.map((n) => n.action)).toEqual(['documents_requested']);
  });

  it("another tenant's or another ticket's request answers 404, like an unknown one", async () => {
    const a = await openSidebar(w, 'zendesk', 2);
    const r = await request(a);
    const other = await openSidebar(w, 'servicenow');
    const sameDeskOtherTicket = await openSidebar(w, 'zendesk', 1);
    for (const who of [other, sameDeskOtherTicket]) {
      expect((await sidebar(w, who, 'GET', `/document-requests/${r.id}/material`)).status).toBe(404);
      expect((await sidebar(w, who, 'POST', `/document-requests/${r.id}/review`, { outcome: 'accepted' })).status).toBe(404);
      expect((await sidebar(w, who, 'DELETE', `/document-requests/${r.id}`)).status).toBe(404);
    }
    const foreign = await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, 'acme-servicenow'));
    expect(foreign.status).toBe(404);
    expect((await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id))).status).toBe(404);
    expect((await api(w.t.url, 'GET', DOCUMENT_PATHS.request(r.id, r.slug))).status).toBe(200);
  });

  it('key rotation re-wraps document chunks and sealed request keys, so the old KEK can be removed before review', async () => {
    const a = await openSidebar(w, 'servicenow', 1);
    const r = await request(a);
    await upload(r, canaryFile(CHUNK + 3, 'k'));
    const K2 = generateKeyEntry('k2');
    const result = await rotateKeys(w.t.db, new Keyring(parseKeyring(`${K2},${K1}`)));
    expect(result.remaining).toBe(0);
    const onlyNew = new Keyring(parseKeyring(K2));
    const chunks = await sql<{
      tenant_id: string;
      file_id: string;
      idx: number;
      format: number;
      kid: string;
      wrapped_key: Buffer;
      ciphertext: Buffer;
    }>`
      SELECT tenant_id, file_id, idx, format, kid, wrapped_key, ciphertext FROM document_chunks WHERE request_id = ${r.id}`.execute(w.t.db);
    expect(chunks.rows).toHaveLength(3);
    for (const c of chunks.rows) {
      const sealed = { format: c.format, kid: c.kid, wrappedKey: c.wrapped_key, ciphertext: c.ciphertext };
      expect(onlyNew.open(sealed, chunkBinding(c.tenant_id, c.file_id, c.idx)).length).toBeGreaterThan(16);
    }
    const key = (
      await sql<{ tenant_id: string; key_format: number; key_kid: string; key_wrapped: Buffer; key_ciphertext: Buffer }>`
        SELECT tenant_id, key_format, key_kid, key_wrapped, key_ciphertext FROM document_requests WHERE id = ${r.id}`.execute(w.t.db)
    ).rows[0]!;
    const sealedKey = { format: key.key_format, kid: key.key_kid, wrappedKey: key.key_wrapped, ciphertext: key.key_ciphertext };
    expect(onlyNew.open(sealedKey, requestKeyBinding(key.tenant_id, r.id)).length).toBeGreaterThan(16);
  });
});
