import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../../db/database';
import { isoUtc } from '../../db/sql';
import type { SealedPayload } from '../keys/keyring';

/**
 * Document requests' SQL (NOTES.md in this folder). Every statement is scoped by tenant. Uploads lock the request row
 * FOR SHARE in the statement that writes, and every closing step (review, revoke, expiry, cancel) first UPDATEs the
 * request row and only then, in a second statement of the same transaction, deletes the chunks: a chunk that raced
 * the close either committed before it (and the delete, with a fresh snapshot, sees it) or waits and finds the request
 * closed (and writes nothing). No network call happens inside any of these transactions.
 */

export const OPEN = sql`r.status = 'open' AND r.expires_at > now()`;

export interface NewDocumentRequest {
  tenantId: string;
  id: string;
  desk: string;
  ticketId: string;
  agentId: string;
  agentLabel: string;
  fingerprint: string;
  presets: string[];
  noteMasked: string | null;
  maxFiles: number;
  allowedTypes: string[];
  publicKey: Buffer;
  sealedKey: SealedPayload;
  expiresAt: Date;
}

/**
 * The note facts every document note carries (rendered by notes/document-note-text.ts). `r` is the request row after
 * the change, `e` its audit event.
 */
function noteFacts(extra: RawBuilder<unknown> = sql`'{}'::jsonb`) {
  return sql`jsonb_build_object('agent', r.agent_label, 'at', ${isoUtc(sql`e.occurred_at`)}, 'fingerprint', r.fingerprint,
                                'presets', to_jsonb(r.presets), 'hasNote', r.note_masked IS NOT NULL, 'maxFiles', r.max_files,
                                'expiresAt', ${isoUtc(sql`r.expires_at`)}) || ${extra}`;
}

/** Request + `document.requested` + the "requested" note, in ONE statement. */
export async function insertRequest(db: Db, q: NewDocumentRequest): Promise<{ eventId: string }> {
  const data = JSON.stringify({
    desk: q.desk,
    ticketId: q.ticketId,
    agentId: q.agentId,
    agent: q.agentLabel,
    fingerprint: q.fingerprint,
    presets: q.presets,
    hasNote: q.noteMasked !== null,
    maxFiles: q.maxFiles,
    allowedTypes: q.allowedTypes,
    expiresAt: q.expiresAt.toISOString(),
    outcome: 'ok',
  });
  const { rows } = await sql<{ event_id: string }>`
    WITH r AS (
      INSERT INTO document_requests (tenant_id, id, desk, ticket_id, agent_id, agent_label, fingerprint, presets, note_masked,
                                     max_files, allowed_types, public_key, key_format, key_kid, key_wrapped, key_ciphertext,
                                     expires_at)
      VALUES (${q.tenantId}, ${q.id}, ${q.desk}, ${q.ticketId}, ${q.agentId}, ${q.agentLabel}, ${q.fingerprint},
              ${q.presets}::text[], ${q.noteMasked}, ${q.maxFiles}, ${q.allowedTypes}::text[], ${q.publicKey},
              ${q.sealedKey.format}, ${q.sealedKey.kid}, ${q.sealedKey.wrappedKey}, ${q.sealedKey.ciphertext}, ${q.expiresAt})
      RETURNING *
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'document.requested', id, ${data}::jsonb FROM r
      RETURNING id, occurred_at
    )
    INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
    SELECT r.tenant_id, r.ticket_id, r.id, e.id, 'documents_requested', ${noteFacts()} FROM r, e
    RETURNING audit_event_id AS event_id`.execute(db);
  return { eventId: rows[0]!.event_id };
}

export interface RequestRow {
  tenant_id: string;
  id: string;
  ticket_id: string;
  agent_label: string;
  presets: string[];
  note_masked: string | null;
  max_files: number;
  allowed_types: string[];
  public_key: Buffer;
  status: 'open' | 'fulfilled' | 'reviewed' | 'revoked' | 'expired';
  is_expired: boolean;
  expires_at: string;
  tenant_name: string;
}

/** A request by its id alone (the public page: the id is the capability), with the tenant's display name. */
export async function findRequest(db: Db, tenantId: string, id: string): Promise<RequestRow | undefined> {
  const { rows } = await sql<RequestRow>`
    SELECT r.tenant_id, r.id, r.ticket_id, r.agent_label, r.presets, r.note_masked, r.max_files, r.allowed_types, r.public_key,
           r.status, r.expires_at <= now() AS is_expired, ${isoUtc(sql`r.expires_at`)} AS expires_at, t.name AS tenant_name
      FROM document_requests r JOIN tenants t ON t.id = r.tenant_id
     WHERE r.tenant_id = ${tenantId} AND r.id = ${id}`.execute(db);
  return rows[0];
}

export interface FileRow {
  id: string;
  media_type: string;
  size_bytes: number;
  chunk_bytes: number;
  chunk_count: number;
  ephemeral_key: Buffer;
  status: 'uploading' | 'complete' | 'deleted';
  completed_at: string | null;
  received: number[];
  has_name: boolean;
}

export async function listFiles(db: Db, tenantId: string, requestId: string, fileId?: string): Promise<FileRow[]> {
  const { rows } = await sql<FileRow>`
    SELECT f.id, f.media_type, f.size_bytes, f.chunk_bytes, f.chunk_count, f.ephemeral_key, f.status,
           ${isoUtc(sql`f.completed_at`)} AS completed_at,
           coalesce((SELECT array_agg(c.idx ORDER BY c.idx) FROM document_chunks c
                      WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id AND c.idx >= 0), '{}') AS received,
           EXISTS (SELECT 1 FROM document_chunks c WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id AND c.idx = -1) AS has_name
      FROM document_files f
     WHERE f.tenant_id = ${tenantId} AND f.request_id = ${requestId} ${fileId === undefined ? sql`` : sql`AND f.id = ${fileId}`}
     ORDER BY f.created_at, f.id`.execute(db);
  return rows;
}

export type StartFileRefusal = 'gone' | 'closed' | 'type' | 'too_many';

/**
 * Starts a file, in a short transaction: the request row is locked FOR UPDATE so two concurrent starts cannot both
 * take the last free slot (max_files counts files not deleted).
 */
export async function insertFile(
  db: Db,
  f: {
    tenantId: string;
    requestId: string;
    id: string;
    mediaType: string;
    sizeBytes: number;
    chunkBytes: number;
    chunkCount: number;
    ephemeralKey: Buffer;
  },
): Promise<{ ok: true } | { ok: false; why: StartFileRefusal }> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ open: boolean; allowed: boolean; files: number; max_files: number }>`
      SELECT ${OPEN} AS open, ${f.mediaType} = ANY (r.allowed_types) AS allowed, r.max_files,
             (SELECT count(*)::int FROM document_files x WHERE x.tenant_id = r.tenant_id AND x.request_id = r.id
                 AND x.status <> 'deleted') AS files
        FROM document_requests r WHERE r.tenant_id = ${f.tenantId} AND r.id = ${f.requestId}
        FOR UPDATE`.execute(trx);
    const r = rows[0];
    if (!r) return { ok: false, why: 'gone' } as const;
    if (!r.open) return { ok: false, why: 'closed' } as const;
    if (!r.allowed) return { ok: false, why: 'type' } as const;
    if (r.files >= r.max_files) return { ok: false, why: 'too_many' } as const;
    await sql`
      INSERT INTO document_files (tenant_id, id, request_id, media_type, size_bytes, chunk_bytes, chunk_count, ephemeral_key)
      VALUES (${f.tenantId}, ${f.id}, ${f.requestId}, ${f.mediaType}, ${f.sizeBytes}, ${f.chunkBytes}, ${f.chunkCount},
              ${f.ephemeralKey})`.execute(trx);
    return { ok: true } as const;
  });
}

/**
 * Stores one chunk (idx -1: the encrypted name) in ONE statement, only while the request is open and the file still
 * uploading; the request row is locked FOR SHARE so a close waits for this write (see the file comment). A chunk that
 * is already stored is kept as it is (a retry after a lost answer): `stored` says whether this call wrote it.
 */
export async function insertChunk(
  db: Db,
  c: { tenantId: string; requestId: string; fileId: string; idx: number; sealed: SealedPayload },
): Promise<'stored' | 'already' | 'refused'> {
  const { rows } = await sql<{ wrote: boolean; ok: boolean }>`
    WITH target AS (
      SELECT f.tenant_id, f.id, f.request_id
        FROM document_files f JOIN document_requests r ON r.tenant_id = f.tenant_id AND r.id = f.request_id
       WHERE f.tenant_id = ${c.tenantId} AND f.request_id = ${c.requestId} AND f.id = ${c.fileId} AND f.status = 'uploading'
         AND ${c.idx} < f.chunk_count AND ${OPEN}
         FOR SHARE OF r
    ), ins AS (
      INSERT INTO document_chunks (tenant_id, file_id, idx, request_id, format, kid, wrapped_key, ciphertext)
      SELECT tenant_id, id, ${c.idx}, request_id, ${c.sealed.format}, ${c.sealed.kid}, ${c.sealed.wrappedKey}, ${c.sealed.ciphertext}
        FROM target
      ON CONFLICT (tenant_id, file_id, idx) DO NOTHING
      RETURNING 1
    ), touched AS (
      UPDATE document_files f SET updated_at = now() FROM target t WHERE f.tenant_id = t.tenant_id AND f.id = t.id RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM ins) AS wrote, EXISTS (SELECT 1 FROM touched) AS ok`.execute(db);
  const r = rows[0]!;
  return r.wrote ? 'stored' : r.ok ? 'already' : 'refused';
}

/** Marks a file complete when every chunk and its name are stored (and the request is still open). */
export async function completeFile(db: Db, tenantId: string, requestId: string, fileId: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    UPDATE document_files f SET status = 'complete', completed_at = now(), updated_at = now()
      FROM document_requests r
     WHERE f.tenant_id = ${tenantId} AND f.request_id = ${requestId} AND f.id = ${fileId} AND f.status = 'uploading'
       AND r.tenant_id = f.tenant_id AND r.id = f.request_id AND ${OPEN}
       AND (SELECT count(*) FROM document_chunks c WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id) = f.chunk_count + 1
    RETURNING f.id`.execute(db);
  return rows.length === 1;
}

/**
 * The customer is done: the request becomes `fulfilled` (no more uploads), files left unfinished are deleted, and
 * `document.received` + the "received" note are written — one transaction. Undefined when it was not open or has no
 * complete file.
 */
export async function fulfil(db: Db, tenantId: string, requestId: string): Promise<{ files: number } | undefined> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`
      UPDATE document_requests r SET status = 'fulfilled', fulfilled_at = now()
       WHERE r.tenant_id = ${tenantId} AND r.id = ${requestId} AND ${OPEN}
         AND EXISTS (SELECT 1 FROM document_files f WHERE f.tenant_id = r.tenant_id AND f.request_id = r.id AND f.status = 'complete')
      RETURNING r.id`.execute(trx);
    if (rows.length === 0) return undefined;
    await sql`DELETE FROM document_files WHERE tenant_id = ${tenantId} AND request_id = ${requestId} AND status = 'uploading'`.execute(trx);
    const { rows: done } = await sql<{ files: number }>`
      WITH totals AS (
        SELECT count(*)::int AS files, coalesce(sum(size_bytes), 0)::bigint AS bytes,
               array_agg(media_type ORDER BY created_at) AS types
          FROM document_files WHERE tenant_id = ${tenantId} AND request_id = ${requestId} AND status = 'complete'
      ), e AS (
        INSERT INTO audit_events (tenant_id, type, secret_id, data)
        SELECT ${tenantId}, 'document.received', ${requestId},
               jsonb_build_object('outcome', 'ok', 'files', files, 'totalBytes', bytes, 'mediaTypes', to_jsonb(types)) FROM totals
        RETURNING id, occurred_at
      ), n AS (
        INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
        SELECT r.tenant_id, r.ticket_id, r.id, e.id, 'documents_received',
               ${noteFacts(sql`jsonb_build_object('files', totals.files, 'totalBytes', totals.bytes)`)}
          FROM document_requests r, e, totals WHERE r.tenant_id = ${tenantId} AND r.id = ${requestId}
      )
      SELECT files FROM totals`.execute(trx);
    return { files: done[0]!.files };
  });
}

export type CloseKind = 'reviewed' | 'revoked' | 'expired' | 'cancelled';

export interface Closing {
  kind: CloseKind;
  /** Who closed it (review, revoke, cancel); null for expiry. */
  agentId: string | null;
  agentLabel: string | null;
  outcome?: 'accepted' | 'rejected';
  reasonMasked?: string | null;
  /** false: no note per request (the ticket-lifecycle summary note counts them instead). Default true. */
  isNoted?: boolean;
}

/**
 * Closes requests matched by `where` (over `r`), deletes their payload (chunks, sealed key) and writes one audit
 * event and one note per request — one transaction: the UPDATE takes the row locks first, then the DELETE runs as a
 * second statement (fresh snapshot). Returns the closed ids with how many chunks were deleted.
 */
async function closeWhere(trx: Tx, where: RawBuilder<unknown>, c: Closing): Promise<{ id: string; chunks: number }[]> {
  const status = c.kind === 'cancelled' ? 'revoked' : c.kind;
  const { rows: closed } = await sql<{ tenant_id: string; id: string }>`
    UPDATE document_requests r SET status = ${status}, closed_at = now(), outcome = ${c.outcome ?? null},
           outcome_reason = ${c.reasonMasked ?? null}, key_format = NULL, key_kid = NULL, key_wrapped = NULL, key_ciphertext = NULL
     WHERE ${where} AND r.status IN ('open', 'fulfilled')
    RETURNING r.tenant_id, r.id`.execute(trx);
  if (closed.length === 0) return [];
  const tenants = closed.map((r) => r.tenant_id);
  const ids = closed.map((r) => r.id);
  const type = c.kind === 'cancelled' ? 'document.revoked' : `document.${c.kind}`;
  const action = {
    reviewed: 'documents_reviewed',
    revoked: 'documents_revoked',
    expired: 'documents_expired',
    cancelled: 'documents_revoked',
  }[c.kind];
  const { rows } = await sql<{ id: string; chunks: number }>`
    WITH closed AS (
      SELECT * FROM unnest(${tenants}::uuid[], ${ids}::text[]) AS x(tenant_id, id)
    ), gone AS (
      DELETE FROM document_chunks d USING closed c WHERE d.tenant_id = c.tenant_id AND d.request_id = c.id
      RETURNING d.tenant_id, d.request_id
    ), files AS (
      UPDATE document_files f SET status = 'deleted', updated_at = now()
        FROM closed c WHERE f.tenant_id = c.tenant_id AND f.request_id = c.id AND f.status <> 'deleted'
      RETURNING f.tenant_id, f.request_id, f.status
    ), counts AS (
      SELECT c.tenant_id, c.id,
             (SELECT count(*)::int FROM gone g WHERE g.tenant_id = c.tenant_id AND g.request_id = c.id) AS chunks,
             (SELECT count(*)::int FROM files f WHERE f.tenant_id = c.tenant_id AND f.request_id = c.id) AS files
        FROM closed c
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT k.tenant_id, ${type}, k.id,
             jsonb_strip_nulls(jsonb_build_object('outcome', ${c.outcome ?? (c.kind === 'expired' ? 'purged' : 'ok')}::text,
               'reason', ${c.reasonMasked ?? null}::text, 'agentId', ${c.agentId}::text, 'agent', ${c.agentLabel}::text,
               'deletedChunks', k.chunks, 'deletedFiles', k.files, 'ticketCancelled', ${c.kind === 'cancelled' ? true : null}::boolean))
        FROM counts k
      RETURNING id, tenant_id, secret_id, occurred_at
    ), n AS (
      INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
      SELECT r.tenant_id, r.ticket_id, r.id, e.id, ${action},
             ${noteFacts(
               sql`jsonb_strip_nulls(jsonb_build_object('by', ${c.agentLabel}::text, 'outcome', ${c.outcome ?? null}::text,
                                                        'reason', ${c.reasonMasked ?? null}::text, 'files', k.files))`,
             )}
        FROM e JOIN document_requests r ON r.tenant_id = e.tenant_id AND r.id = e.secret_id
               JOIN counts k ON k.tenant_id = e.tenant_id AND k.id = e.secret_id
       WHERE ${c.isNoted !== false}
    )
    SELECT id, chunks FROM counts`.execute(trx);
  return rows;
}

/** Review or revoke from the ticket's sidebar: only a request of this tenant AND ticket matches. */
export async function closeForTicket(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string },
  c: Closing,
): Promise<{ chunks: number } | undefined> {
  const rows = await db
    .transaction()
    .execute((trx) => closeWhere(trx, sql`r.tenant_id = ${a.tenantId} AND r.ticket_id = ${a.ticketId} AND r.id = ${a.id}`, c));
  return rows[0];
}

/**
 * Issue 12: inside the ticket-lifecycle transaction (a ticket closed, merged or deleted), every open or fulfilled
 * document request of the ticket created up to the event is closed as revoked, its payload deleted and audited
 * (`ticketCancelled`). No note per request: the lifecycle's one summary note counts them.
 */
export async function cancelTicketRequestsInTransaction(
  trx: Tx,
  a: { tenantId: string; ticketId: string; occurredAt: Date },
): Promise<number> {
  const rows = await closeWhere(trx, sql`r.tenant_id = ${a.tenantId} AND r.ticket_id = ${a.ticketId} AND r.created_at <= ${a.occurredAt}`, {
    kind: 'cancelled',
    agentId: null,
    agentLabel: 'system',
    isNoted: false,
  });
  return rows.length;
}

/** The expiry job: up to `limit` expired open/fulfilled requests, SKIP LOCKED so replicas never wait on each other. */
export async function expireDue(db: Db, limit: number): Promise<number> {
  const rows = await db.transaction().execute((trx) =>
    closeWhere(
      trx,
      sql`(r.tenant_id, r.id) IN (SELECT tenant_id, id FROM document_requests
                                    WHERE status IN ('open', 'fulfilled') AND expires_at <= now()
                                    ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
      { kind: 'expired', agentId: null, agentLabel: null },
    ),
  );
  return rows.length;
}

/**
 * Abandoned uploads (a crash or a closed page mid-upload): files still `uploading` whose last chunk is older than
 * `abandonSeconds` are deleted with their chunks, one `document.upload_abandoned` event per file (no note: the ticket
 * hears about files only when the customer finishes).
 */
export async function deleteAbandoned(db: Db, abandonSeconds: number, limit: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH doomed AS (
      SELECT tenant_id, id FROM document_files
       WHERE status = 'uploading' AND updated_at <= now() - make_interval(secs => ${abandonSeconds})
       ORDER BY updated_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), deleted AS (
      DELETE FROM document_files f USING doomed d WHERE f.tenant_id = d.tenant_id AND f.id = d.id
      RETURNING f.tenant_id, f.request_id, f.size_bytes, f.chunk_count
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'document.upload_abandoned', request_id,
             jsonb_build_object('outcome', 'purged', 'sizeBytes', size_bytes, 'chunkCount', chunk_count) FROM deleted
    )
    SELECT count(*)::int AS n FROM deleted`.execute(db);
  return rows[0]?.n ?? 0;
}

export interface SidebarRequestRow {
  id: string;
  status: RequestRow['status'];
  presets: string[];
  note_masked: string | null;
  max_files: number;
  agent_label: string;
  created_at: string;
  expires_at: string;
  is_expired: boolean;
  outcome: 'accepted' | 'rejected' | null;
}

export async function listForTicket(db: Db, tenantId: string, ticketId: string, limit = 50): Promise<SidebarRequestRow[]> {
  const { rows } = await sql<SidebarRequestRow>`
    SELECT r.id, r.status, r.presets, r.note_masked, r.max_files, r.agent_label, ${isoUtc(sql`r.created_at`)} AS created_at,
           ${isoUtc(sql`r.expires_at`)} AS expires_at, r.expires_at <= now() AS is_expired, r.outcome
      FROM document_requests r
     WHERE r.tenant_id = ${tenantId} AND r.ticket_id = ${ticketId}
     ORDER BY r.created_at DESC, r.id
     LIMIT ${limit}`.execute(db);
  return rows;
}

/** The sealed private key of a request of this ticket that can still be reviewed. */
export async function findReviewable(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string },
): Promise<{ public_key: Buffer; sealed: SealedPayload } | undefined> {
  const { rows } = await sql<{ public_key: Buffer; key_format: number; key_kid: string; key_wrapped: Buffer; key_ciphertext: Buffer }>`
    SELECT public_key, key_format, key_kid, key_wrapped, key_ciphertext FROM document_requests r
     WHERE r.tenant_id = ${a.tenantId} AND r.ticket_id = ${a.ticketId} AND r.id = ${a.id}
       AND r.status IN ('open', 'fulfilled') AND r.expires_at > now()`.execute(db);
  const r = rows[0];
  return (
    r && {
      public_key: r.public_key,
      sealed: { format: r.key_format, kid: r.key_kid, wrappedKey: r.key_wrapped, ciphertext: r.key_ciphertext },
    }
  );
}

/** One stored chunk of a complete file of a reviewable request of this ticket (idx -1: the name). */
export async function findChunk(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string; fileId: string; idx: number },
): Promise<SealedPayload | undefined> {
  const { rows } = await sql<{ format: number; kid: string; wrapped_key: Buffer; ciphertext: Buffer }>`
    SELECT c.format, c.kid, c.wrapped_key, c.ciphertext
      FROM document_chunks c
      JOIN document_files f ON f.tenant_id = c.tenant_id AND f.id = c.file_id
      JOIN document_requests r ON r.tenant_id = f.tenant_id AND r.id = f.request_id
     WHERE r.tenant_id = ${a.tenantId} AND r.ticket_id = ${a.ticketId} AND r.id = ${a.id} AND f.id = ${a.fileId}
       AND f.status = 'complete' AND c.idx = ${a.idx} AND r.status IN ('open', 'fulfilled') AND r.expires_at > now()`.execute(db);
  const r = rows[0];
  return r && { format: r.format, kid: r.kid, wrappedKey: r.wrapped_key, ciphertext: r.ciphertext };
}
