import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { jsonb } from '../../db/sql';
import { hexOrNull, type AuditRowFields } from './canonical';

/**
 * Audit export (issue 9): a tenant's sealed chain segment, streamed in keyset pages over the chain index
 * (audit_events_chain_uq), so memory stays constant whatever the size. NDJSON carries everything a verifier needs
 * (docs/AUDIT-FORMAT.md: header, one line per event, the signed checkpoints covering the segment, an end line);
 * CSV is for spreadsheets (formula-safe cells) and is not meant for verification.
 */

export type ExportFormat = 'ndjson' | 'csv';
export const EXPORT_FORMAT_ID = 'vouchsafe-audit-export';
export const EXPORT_VERSION = 1;
const PAGE = 2000;

export interface ExportRequest {
  tenantId: string;
  tenantSlug: string;
  since?: Date | undefined;
  until?: Date | undefined;
  format: ExportFormat;
}

export interface ExportRange {
  /** Inclusive chain indexes of the segment; null when it holds no sealed event. */
  fromIndex: string | null;
  toIndex: string | null;
}

/**
 * The contiguous segment a time window selects: from the first sealed event that occurred at/after `since` to the last
 * one before `until`. Chain order is sealing order, so a few events just outside the window may sit inside it; the
 * segment is never cut, so it verifies from its first line's prevHash.
 */
export async function exportRange(db: Db, req: Pick<ExportRequest, 'tenantId' | 'since' | 'until'>): Promise<ExportRange> {
  const r = await sql<{ lo: string | null; hi: string | null }>`
    SELECT min(chain_index)::text AS lo, max(chain_index)::text AS hi FROM audit_events
     WHERE tenant_id = ${req.tenantId} AND chain_index IS NOT NULL
       AND (${req.since ?? null}::timestamptz IS NULL OR occurred_at >= ${req.since ?? null}::timestamptz)
       AND (${req.until ?? null}::timestamptz IS NULL OR occurred_at < ${req.until ?? null}::timestamptz)`.execute(db);
  return { fromIndex: r.rows[0]?.lo ?? null, toIndex: r.rows[0]?.hi ?? null };
}

/** Records the export itself (`review.exported`) before the first byte leaves; `actor` names the token or the CLI. */
export async function auditExport(db: Db, req: ExportRequest, range: ExportRange, actor: string): Promise<void> {
  await sql`INSERT INTO audit_events (tenant_id, type, data) VALUES (${req.tenantId}, 'review.exported', ${jsonb({
    actor,
    format: req.format,
    since: req.since?.toISOString() ?? null,
    until: req.until?.toISOString() ?? null,
    fromIndex: range.fromIndex,
    toIndex: range.toIndex,
  })})`.execute(db);
}

/** A sealed row as the export reads it: the hashed fields plus its place in the chain. */
interface Row extends AuditRowFields {
  chain_index: string;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

export function ndjsonEvent(r: Row): string {
  return JSON.stringify({
    kind: 'event',
    chainIndex: String(r.chain_index),
    id: r.id,
    tenantId: r.tenant_id,
    type: r.type,
    secretId: r.secret_id,
    occurredAt: r.occurred_at.toISOString(),
    data: r.data,
    prevHash: hexOrNull(r.prev_hash),
    hash: hexOrNull(r.hash),
  });
}

/** A CSV cell (RFC 4180 quoting); a leading =, +, -, @, tab or CR is defused with an apostrophe (formula injection). */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

export const CSV_HEADER = 'chain_index,id,tenant_id,type,secret_id,occurred_at,data,prev_hash,hash';

function csvRow(r: Row): string {
  return [
    String(r.chain_index),
    r.id,
    r.tenant_id,
    r.type,
    r.secret_id,
    r.occurred_at.toISOString(),
    JSON.stringify(r.data),
    hexOrNull(r.prev_hash),
    hexOrNull(r.hash),
  ]
    .map(csvCell)
    .join(',');
}

/**
 * The export as chunks of text (one per page of events), for `Readable.from` + `pipeline` (which waits for the
 * consumer: backpressure). The range is fixed by the caller before the first chunk, so events sealed meanwhile are
 * not included.
 */
export async function* exportChunks(db: Db, req: ExportRequest, range: ExportRange, exportedAt: Date): AsyncGenerator<string> {
  const isNdjson = req.format === 'ndjson';
  if (isNdjson) {
    yield (
      JSON.stringify({
        kind: 'header',
        format: EXPORT_FORMAT_ID,
        version: EXPORT_VERSION,
        tenantId: req.tenantId,
        tenant: req.tenantSlug,
        since: req.since?.toISOString() ?? null,
        until: req.until?.toISOString() ?? null,
        exportedAt: exportedAt.toISOString(),
        fromIndex: range.fromIndex,
        toIndex: range.toIndex,
      }) + '\n'
    );
  } else {
    yield CSV_HEADER + '\r\n';
  }
  let events = 0;
  if (range.fromIndex !== null && range.toIndex !== null) {
    let after = (BigInt(range.fromIndex) - 1n).toString();
    for (;;) {
      const rows = (await db
        .selectFrom('audit_events')
        .select(['chain_index', 'id', 'tenant_id', 'type', 'secret_id', 'occurred_at', 'data', 'prev_hash', 'hash'])
        .where('tenant_id', '=', req.tenantId)
        .where('chain_index', '>', after)
        .where('chain_index', '<=', range.toIndex)
        .orderBy('chain_index')
        .limit(PAGE)
        .execute()) as Row[];
      if (rows.length === 0) break;
      events += rows.length;
      yield isNdjson ? rows.map(ndjsonEvent).join('\n') + '\n' : rows.map(csvRow).join('\r\n') + '\r\n';
      after = String(rows.at(-1)!.chain_index);
      if (rows.length < PAGE) break;
    }
  }
  if (!isNdjson) return;
  if (range.fromIndex !== null && range.toIndex !== null) {
    // The signed checkpoints inside the segment: each vouches for the chain up to its index (the verifier reports
    // events after the last one as not covered by this file).
    const checkpoints = await sql<{ tenant_id: string; chain_index: string; hash: Buffer; signed_at: Date; kid: string; jws: string }>`
      SELECT tenant_id, chain_index::text AS chain_index, hash, signed_at, kid, jws FROM audit_checkpoints
       WHERE tenant_id = ${req.tenantId} AND chain_index BETWEEN ${range.fromIndex} AND ${range.toIndex} ORDER BY chain_index`.execute(db);
    const lines = checkpoints.rows.map((c) =>
      JSON.stringify({
        kind: 'checkpoint',
        tenantId: c.tenant_id,
        chainIndex: c.chain_index,
        hash: c.hash.toString('hex'),
        signedAt: c.signed_at.toISOString(),
        kid: c.kid,
        jws: c.jws,
      }),
    );
    if (lines.length > 0) yield lines.join('\n') + '\n';
  }
  yield JSON.stringify({ kind: 'end', events, fromIndex: range.fromIndex, toIndex: range.toIndex }) + '\n';
}

/** `vouchsafe-audit-<slug>-<YYYYMMDDTHHMMSSZ>.<ext>`: the slug is [a-z0-9-] (tenants service), nothing to escape. */
export function exportFileName(slug: string, format: ExportFormat, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `vouchsafe-audit-${slug}-${stamp}.${format}`;
}
