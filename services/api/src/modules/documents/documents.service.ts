import {
  DOCUMENT_LIMITS,
  formatBytes,
  type CreateDocumentRequestInput,
  type DocumentFileState,
  type DocumentRequestList,
  type DocumentReviewMaterial,
  type DocumentType,
  type PublicDocumentRequest,
  type StartDocumentFile,
} from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { isRefusedBy, SQLSTATE } from '../../db/sql';
import { AppError } from '../../errors';
import { newSecretId, sha256 } from '../../lib/ids';
import { maskIdentifiers } from '../../lib/mask';
import type { Keyring } from '../keys/keyring';
import type { SidebarSession } from '../sessions/session.types';
import { chunkBinding, requestKeyBinding } from './document-bindings';
import * as repo from './documents.repository';

/** Defaults of the two settings (config.ts declares the environment variables; harnesses may leave them out). */
export const DOCUMENT_DEFAULTS = { maxFileBytes: 25 * 1024 * 1024, abandonSeconds: 3_600 } as const;
const TAG_BYTES = 16;
const PURGE_BATCH = 200;

export interface DocumentsDeps {
  db: Db;
  keyring: Keyring;
  maxFileBytes?: number;
  abandonSeconds?: number;
  onNoteQueued?: () => void;
}

/** Unknown, foreign-tenant, other-ticket and malformed ids all answer this (no oracle). */
export const documentRequestGone = () => new AppError('not_found', 'This document request does not exist or is no longer available.');
const closed = (why: string) => new AppError('document_request_closed', `This document request ${why}; it no longer accepts uploads.`);
const closedBecause = (r: Pick<repo.RequestRow, 'status' | 'is_expired'>) =>
  closed(
    r.status === 'fulfilled'
      ? 'is already complete'
      : r.status === 'reviewed'
        ? 'was already reviewed'
        : r.status === 'revoked'
          ? 'was withdrawn'
          : r.is_expired || r.status === 'expired'
            ? 'has expired'
            : 'is closed',
  );

/** First 8 hex characters of SHA-256 over a label and the id: names a request in notes without its id. */
export const documentFingerprintOf = (id: string) => sha256(`vouchsafe:document-fingerprint:${id}`).toString('hex').slice(0, 8);
const b64 = (buf: Buffer | Uint8Array) => Buffer.from(buf).toString('base64url');
const firstName = (label: string) => label.trim().split(/\s+/)[0] ?? '';

export function createDocumentsService(deps: DocumentsDeps) {
  const { db, keyring } = deps;
  const maxFileBytes = deps.maxFileBytes ?? DOCUMENT_DEFAULTS.maxFileBytes;
  const abandonSeconds = deps.abandonSeconds ?? DOCUMENT_DEFAULTS.abandonSeconds;
  const onNoteQueued = deps.onNoteQueued ?? (() => undefined);

  async function create(session: SidebarSession, body: CreateDocumentRequestInput) {
    const id = newSecretId();
    const expiresAt = new Date(Date.now() + body.ttlSeconds * 1000);
    const note = body.note === undefined || body.note === '' ? null : maskIdentifiers(body.note);
    const agentLabel = maskIdentifiers(session.agentLabel);
    await repo.insertRequest(db, {
      tenantId: session.tenantId,
      id,
      desk: session.desk,
      ticketId: session.ticketId,
      agentId: session.agentId,
      agentLabel,
      fingerprint: documentFingerprintOf(id),
      presets: body.presets,
      noteMasked: note,
      maxFiles: body.maxFiles,
      allowedTypes: body.allowedTypes,
      publicKey: Buffer.from(body.publicKey, 'base64url'),
      // The sidebar's sealed private key is opaque here (sealed under a review key we never see); seal it once more.
      sealedKey: keyring.seal(Buffer.from(body.sealedPrivateKey, 'base64url'), requestKeyBinding(session.tenantId, id)),
      expiresAt,
    });
    onNoteQueued();
    return { id, expiresAt: expiresAt.toISOString(), fingerprint: documentFingerprintOf(id) };
  }

  async function requestOrGone(tenantId: string, id: string): Promise<repo.RequestRow> {
    const r = await repo.findRequest(db, tenantId, id);
    if (!r) throw documentRequestGone();
    return r;
  }

  /** The customer's page: who asks, what, and the upload state. A closed request still answers, as `closed`. */
  async function publicView(tenantId: string, id: string): Promise<PublicDocumentRequest> {
    const r = await requestOrGone(tenantId, id);
    const isOpen = r.status === 'open' && !r.is_expired;
    const files = isOpen ? await repo.listFiles(db, tenantId, id) : [];
    return {
      bankName: r.tenant_name,
      ticketRef: r.ticket_id,
      agentFirstName: firstName(r.agent_label),
      presets: r.presets as PublicDocumentRequest['presets'],
      note: r.note_masked,
      maxFiles: r.max_files,
      allowedTypes: r.allowed_types as DocumentType[],
      maxFileBytes,
      expiresAt: r.expires_at,
      status: isOpen ? 'open' : r.status === 'fulfilled' && !r.is_expired ? 'fulfilled' : 'closed',
      publicKey: b64(r.public_key),
      files: files
        .filter((f) => f.status !== 'deleted')
        .map((f) => ({ id: f.id, sizeBytes: f.size_bytes, isComplete: f.status === 'complete' })),
    };
  }

  /** Why a write to request `id` matched nothing: gone (404) or closed (409). Read-only. */
  async function refusal(tenantId: string, id: string): Promise<AppError> {
    const r = await repo.findRequest(db, tenantId, id);
    return r ? closedBecause(r) : documentRequestGone();
  }

  async function startFile(tenantId: string, requestId: string, body: StartDocumentFile): Promise<DocumentFileState> {
    if (body.sizeBytes > maxFileBytes) {
      throw new AppError(
        'payload_too_large',
        `Files can be at most ${formatBytes(maxFileBytes)}; this one is ${formatBytes(body.sizeBytes)}.`,
      );
    }
    const id = body.id;
    const chunkCount = Math.max(1, Math.ceil(body.sizeBytes / body.chunkBytes));
    const started = await repo
      .insertFile(db, {
        tenantId,
        requestId,
        id,
        mediaType: body.mediaType,
        sizeBytes: body.sizeBytes,
        chunkBytes: body.chunkBytes,
        chunkCount,
        ephemeralKey: Buffer.from(body.ephemeralPublicKey, 'base64url'),
      })
      .catch((err: unknown) => {
        // The browser's random id is already taken (a retry of a start whose answer was lost, or a collision).
        if (isRefusedBy(err, SQLSTATE.uniqueViolation))
          throw new AppError('conflict', 'This file was already started: ask its state instead.');
        throw err;
      });
    if (!started.ok) {
      if (started.why === 'gone') throw documentRequestGone();
      if (started.why === 'closed') throw await refusal(tenantId, requestId);
      if (started.why === 'type') {
        throw new AppError('validation_failed', 'This request does not accept this type of file.', {
          issues: [{ path: 'mediaType', message: 'is not one of the types this request accepts' }],
        });
      }
      throw new AppError('conflict', 'This request already has as many files as it accepts.');
    }
    return { id, chunkCount, received: [], hasName: false, isComplete: false };
  }

  async function fileOrGone(tenantId: string, requestId: string, fileId: string): Promise<repo.FileRow> {
    const [file] = await repo.listFiles(db, tenantId, requestId, fileId);
    if (!file || file.status === 'deleted') throw documentRequestGone();
    return file;
  }

  const stateOf = (f: repo.FileRow): DocumentFileState => ({
    id: f.id,
    chunkCount: f.chunk_count,
    received: f.received,
    hasName: f.has_name,
    isComplete: f.status === 'complete',
  });

  async function fileState(tenantId: string, requestId: string, fileId: string): Promise<DocumentFileState> {
    await requestOrGone(tenantId, requestId);
    return stateOf(await fileOrGone(tenantId, requestId, fileId));
  }

  /**
   * Stores chunk `idx` (-1: the encrypted name) of a file. Its length must be exactly what the file's layout says
   * (plaintext chunk + tag), so nothing but the announced ciphertext can be stored.
   */
  async function putChunk(tenantId: string, requestId: string, fileId: string, idx: number, body: Buffer): Promise<'stored' | 'already'> {
    const file = await fileOrGone(tenantId, requestId, fileId);
    const expected =
      idx === -1
        ? undefined
        : (idx < file.chunk_count - 1 ? file.chunk_bytes : file.size_bytes - file.chunk_bytes * (file.chunk_count - 1)) + TAG_BYTES;
    const isRightLength =
      idx === -1 ? body.length >= TAG_BYTES + 1 && body.length <= DOCUMENT_LIMITS.nameMaxBytes : body.length === expected;
    if (idx >= file.chunk_count || !isRightLength) {
      throw new AppError('validation_failed', `Chunk ${idx} does not fit this file's layout.`, {
        issues: [{ path: 'body', message: expected === undefined ? 'is not an encrypted file name' : `must be ${expected} bytes` }],
      });
    }
    const sealed = keyring.seal(body, chunkBinding(tenantId, fileId, idx));
    const outcome = await repo.insertChunk(db, { tenantId, requestId, fileId, idx, sealed });
    if (outcome === 'refused') throw await refusal(tenantId, requestId);
    return outcome;
  }

  async function finishFile(tenantId: string, requestId: string, fileId: string): Promise<DocumentFileState> {
    const done = await repo.completeFile(db, tenantId, requestId, fileId);
    const file = await fileOrGone(tenantId, requestId, fileId);
    if (done || file.status === 'complete') return stateOf(file);
    const r = await requestOrGone(tenantId, requestId);
    if (r.status !== 'open' || r.is_expired) throw closedBecause(r);
    throw new AppError('conflict', 'This file is not complete yet: send the missing chunks first.', {
      issues: [{ path: 'chunks', message: `${file.received.length} of ${file.chunk_count} chunks${file.has_name ? '' : ', no name'}` }],
    });
  }

  async function finish(tenantId: string, requestId: string): Promise<{ status: 'fulfilled'; files: number }> {
    const done = await repo.fulfil(db, tenantId, requestId);
    if (done) {
      onNoteQueued();
      return { status: 'fulfilled', files: done.files };
    }
    const r = await requestOrGone(tenantId, requestId);
    if (r.status !== 'open' || r.is_expired) throw closedBecause(r);
    throw new AppError('conflict', 'Upload at least one complete file before finishing.');
  }

  async function list(session: SidebarSession): Promise<DocumentRequestList> {
    const rows = await repo.listForTicket(db, session.tenantId, session.ticketId);
    const requests = await Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        status: r.is_expired && (r.status === 'open' || r.status === 'fulfilled') ? 'expired' : r.status,
        presets: r.presets as PublicDocumentRequest['presets'],
        note: r.note_masked,
        maxFiles: r.max_files,
        agentLabel: r.agent_label,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        outcome: r.outcome,
        files: (await repo.listFiles(db, session.tenantId, r.id)).map((f) => ({
          id: f.id,
          mediaType: f.media_type as DocumentType,
          sizeBytes: f.size_bytes,
          status: f.status,
          receivedAt: f.completed_at,
        })),
      })),
    );
    return { requests };
  }

  const ticketScope = (session: SidebarSession, id: string) => ({ tenantId: session.tenantId, ticketId: session.ticketId, id });

  /** The sealed private key and every complete file's layout and encrypted name: what the sidebar decrypts with. */
  async function material(session: SidebarSession, id: string): Promise<DocumentReviewMaterial> {
    const found = await repo.findReviewable(db, ticketScope(session, id));
    if (!found) throw documentRequestGone();
    const files = (await repo.listFiles(db, session.tenantId, id)).filter((f) => f.status === 'complete');
    return {
      id,
      publicKey: b64(found.public_key),
      sealedPrivateKey: b64(keyring.open(found.sealed, requestKeyBinding(session.tenantId, id))),
      files: await Promise.all(
        files.map(async (f) => ({
          id: f.id,
          mediaType: f.media_type as DocumentType,
          sizeBytes: f.size_bytes,
          chunkBytes: f.chunk_bytes,
          chunkCount: f.chunk_count,
          ephemeralPublicKey: b64(f.ephemeral_key),
          encryptedName: b64(await chunk(session, id, f.id, -1)),
        })),
      ),
    };
  }

  /** One chunk's client ciphertext (the server layer opened), for the agent's review. */
  async function chunk(session: SidebarSession, id: string, fileId: string, idx: number): Promise<Buffer> {
    const sealed = await repo.findChunk(db, { ...ticketScope(session, id), fileId, idx });
    if (!sealed) throw documentRequestGone();
    return keyring.open(sealed, chunkBinding(session.tenantId, fileId, idx));
  }

  async function close(session: SidebarSession, id: string, closing: Omit<repo.Closing, 'agentId' | 'agentLabel'>) {
    const done = await repo.closeForTicket(db, ticketScope(session, id), {
      ...closing,
      agentId: session.agentId,
      agentLabel: maskIdentifiers(session.agentLabel),
    });
    if (!done) {
      const r = await repo.findRequest(db, session.tenantId, id);
      // Another ticket's request answers like an unknown one.
      if (!r || r.ticket_id !== session.ticketId) throw documentRequestGone();
      throw closed(r.status === 'reviewed' ? 'was already reviewed' : r.status === 'revoked' ? 'was withdrawn' : 'has expired');
    }
    onNoteQueued();
    return { deletedChunks: done.chunks };
  }

  /** Exactly once: the first review closes the request and deletes its payload; any other answers 409. */
  async function review(session: SidebarSession, id: string, body: { outcome: 'accepted' | 'rejected'; reason?: string | undefined }) {
    const reasonMasked = body.outcome === 'rejected' && body.reason ? maskIdentifiers(body.reason) : null;
    return close(session, id, { kind: 'reviewed', outcome: body.outcome, reasonMasked });
  }

  async function revoke(session: SidebarSession, id: string) {
    return close(session, id, { kind: 'revoked' });
  }

  /** The purge loop's part: expired requests (payload deleted, audited, noted) and abandoned uploads. */
  async function purge(): Promise<{ expired: number; abandoned: number }> {
    let expired = 0;
    for (;;) {
      const n = await repo.expireDue(db, PURGE_BATCH);
      expired += n;
      if (n < PURGE_BATCH) break;
    }
    let abandoned = 0;
    for (;;) {
      const n = await repo.deleteAbandoned(db, abandonSeconds, PURGE_BATCH);
      abandoned += n;
      if (n < PURGE_BATCH) break;
    }
    if (expired > 0) onNoteQueued();
    return { expired, abandoned };
  }

  return { create, publicView, startFile, fileState, putChunk, finishFile, finish, list, material, chunk, review, revoke, purge };
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;
