import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { SinkName } from './sinks/sink.types';

/**
 * The SIEM outbox: one cursor per (sink, stream, tenant) in `siem_cursors` (see NOTES.md). Audit writers never touch
 * it; this file discovers tenants, leases due cursors (SKIP LOCKED), reads what comes after a cursor and settles it.
 */

export type Stream = 'events' | 'checkpoints';

export interface LeasedCursor {
  sink: SinkName;
  stream: Stream;
  tenantId: string;
  /** Last forwarded chain_index (events) or audit_checkpoints.seq (checkpoints). */
  position: bigint;
  /** Fences settling: a worker whose lease ran out (and was leased again since) changes nothing. */
  leaseNo: string;
  /** Consecutive failed deliveries before this lease. */
  failures: number;
}

/** A cursor for every configured sink × stream × tenant that has a chain (one cheap statement; new rows start at 0). */
export async function ensureCursors(db: Db, sinks: readonly SinkName[]): Promise<void> {
  await sql`
    INSERT INTO siem_cursors (sink, stream, tenant_id)
    SELECT s.sink, st.stream, h.tenant_id
      FROM audit_heads h
     CROSS JOIN unnest(${sinks}::text[]) AS s(sink)
     CROSS JOIN (VALUES ('events'), ('checkpoints')) AS st(stream)
     WHERE NOT EXISTS (SELECT 1 FROM siem_cursors c WHERE c.sink = s.sink AND c.stream = st.stream AND c.tenant_id = h.tenant_id)
    ON CONFLICT DO NOTHING`.execute(db);
}

/**
 * Leases up to `limit` cursors that have something to forward, in one short statement: SKIP LOCKED so any number of
 * workers in any number of processes take disjoint cursors and never wait.
 */
export async function leaseDue(db: Db, sinks: readonly SinkName[], limit: number, leaseMs: number): Promise<LeasedCursor[]> {
  const { rows } = await sql<{ sink: SinkName; stream: Stream; tenant_id: string; position: string; lease_no: string; failures: number }>`
    UPDATE siem_cursors c
       SET lease_no = c.lease_no + 1, lease_until = now() + make_interval(secs => ${leaseMs / 1000})
      FROM (SELECT c.sink, c.stream, c.tenant_id FROM siem_cursors c
             WHERE c.sink = ANY(${sinks}::text[])
               AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until <= now())
               AND CASE WHEN c.stream = 'events'
                        THEN EXISTS (SELECT 1 FROM audit_heads h WHERE h.tenant_id = c.tenant_id AND h.chain_index > c.position)
                        ELSE EXISTS (SELECT 1 FROM audit_checkpoints k WHERE k.tenant_id = c.tenant_id AND k.seq > c.position)
                   END
             ORDER BY c.next_attempt_at
             LIMIT ${limit}
               FOR UPDATE OF c SKIP LOCKED) due
     WHERE c.sink = due.sink AND c.stream = due.stream AND c.tenant_id = due.tenant_id
    RETURNING c.sink, c.stream, c.tenant_id, c.position::text, c.lease_no::text, c.failures`.execute(db);
  return rows.map((r) => ({
    sink: r.sink,
    stream: r.stream,
    tenantId: r.tenant_id,
    position: BigInt(r.position),
    leaseNo: r.lease_no,
    failures: r.failures,
  }));
}

export interface SealedEventRow {
  id: string;
  tenant_id: string;
  slug: string | null;
  type: string;
  secret_id: string | null;
  occurred_at: Date;
  data: Record<string, unknown>;
  chain_index: string;
  prev_hash: Buffer;
  hash: Buffer;
}

/** The tenant's sealed events after `position`, in chain order (the unique (tenant_id, chain_index) index). */
export async function eventsAfter(db: Db, tenantId: string, position: bigint, limit: number): Promise<SealedEventRow[]> {
  const { rows } = await sql<SealedEventRow>`
    SELECT e.id, e.tenant_id, t.slug, e.type, e.secret_id, e.occurred_at, e.data, e.chain_index::text AS chain_index,
           e.prev_hash, e.hash
      FROM audit_events e LEFT JOIN tenants t ON t.id = e.tenant_id
     WHERE e.tenant_id = ${tenantId} AND e.chain_index > ${position.toString()}::bigint
     ORDER BY e.chain_index
     LIMIT ${limit}`.execute(db);
  return rows;
}

export interface CheckpointRow {
  seq: string;
  tenant_id: string;
  slug: string | null;
  chain_index: string;
  hash: Buffer;
  signed_at: Date;
  kid: string;
  jws: string;
}

/**
 * The tenant's checkpoints after seq `position`, in seq order. Read under a SHARE lock on audit_checkpoints, held
 * only for this read: it waits for checkpoint inserts in flight to commit, so a row with a lower seq can never
 * become visible after a higher one was forwarded (a plain seq cursor could skip it). Checkpoints are written about
 * once a minute per tenant; audit event writers never touch this table.
 */
export async function checkpointsAfter(db: Db, tenantId: string, position: bigint, limit: number): Promise<CheckpointRow[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL lock_timeout = '5s'`.execute(trx);
    await sql`LOCK TABLE audit_checkpoints IN SHARE MODE`.execute(trx);
    const { rows } = await sql<CheckpointRow>`
      SELECT k.seq::text AS seq, k.tenant_id, t.slug, k.chain_index::text AS chain_index, k.hash, k.signed_at, k.kid, k.jws
        FROM audit_checkpoints k LEFT JOIN tenants t ON t.id = k.tenant_id
       WHERE k.tenant_id = ${tenantId} AND k.seq > ${position.toString()}::bigint
       ORDER BY k.seq
       LIMIT ${limit}`.execute(trx);
    return rows;
  });
}

type Lease = Pick<LeasedCursor, 'sink' | 'stream' | 'tenantId' | 'leaseNo'>;
const fenced = (l: Lease) =>
  sql`sink = ${l.sink} AND stream = ${l.stream} AND tenant_id = ${l.tenantId} AND lease_no = ${l.leaseNo}::bigint`;

/**
 * Moves the cursor to `position` (what the sink accepted). `isDone`: the whole batch went through, so the lease ends
 * and failures reset; otherwise (partial progress, then a failure) `reschedule` follows.
 */
export async function advance(db: Db, lease: Lease, position: bigint): Promise<boolean> {
  const r = await sql`
    UPDATE siem_cursors SET position = greatest(position, ${position.toString()}::bigint), forwarded_at = now()
     WHERE ${fenced(lease)}`.execute(db);
  return (r.numAffectedRows ?? 0n) > 0n;
}

/** Ends the lease after a fully successful batch: due again at once (the next batch, if any). */
export async function release(db: Db, lease: Lease): Promise<boolean> {
  const r = await sql`
    UPDATE siem_cursors SET lease_until = NULL, failures = 0, last_error = NULL, next_attempt_at = now()
     WHERE ${fenced(lease)}`.execute(db);
  return (r.numAffectedRows ?? 0n) > 0n;
}

/** Hands the cursor back without judging the delivery (shutdown): due again at once, failures unchanged. */
export async function endLease(db: Db, lease: Lease): Promise<boolean> {
  const r = await sql`UPDATE siem_cursors SET lease_until = NULL WHERE ${fenced(lease)}`.execute(db);
  return (r.numAffectedRows ?? 0n) > 0n;
}

/** Ends the lease after a failure: due again after `delayMs`, one more consecutive failure, a short masked error. */
export async function reschedule(db: Db, lease: Lease, delayMs: number, error: string): Promise<boolean> {
  const r = await sql`
    UPDATE siem_cursors
       SET lease_until = NULL, failures = failures + 1, last_error = ${error},
           next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
     WHERE ${fenced(lease)}`.execute(db);
  return (r.numAffectedRows ?? 0n) > 0n;
}

export interface Backlog {
  sink: SinkName;
  /** Sealed events and checkpoints not forwarded yet. */
  pending: number;
  /** Age in seconds of the oldest of them (0 when none). */
  oldestSeconds: number;
}

/**
 * What each configured sink still has to forward, read on scrape. Events: head index − cursor per tenant, and the
 * occurred_at of the event right after the cursor (index lookup). Checkpoints: counted after the cursor's seq.
 */
export async function backlog(db: Db, sinks: readonly SinkName[]): Promise<Backlog[]> {
  const { rows } = await sql<{ sink: SinkName; pending: string; oldest: number | null }>`
    SELECT s.sink,
           coalesce(sum(x.pending), 0)::text AS pending,
           extract(epoch FROM now() - min(x.oldest))::float8 AS oldest
      FROM unnest(${sinks}::text[]) AS s(sink)
      LEFT JOIN LATERAL (
        SELECT h.chain_index - c.position AS pending,
               (SELECT e.occurred_at FROM audit_events e WHERE e.tenant_id = c.tenant_id AND e.chain_index = c.position + 1) AS oldest
          FROM siem_cursors c JOIN audit_heads h ON h.tenant_id = c.tenant_id
         WHERE c.sink = s.sink AND c.stream = 'events' AND h.chain_index > c.position
        UNION ALL
        SELECT count(*), min(k.signed_at)
          FROM siem_cursors c JOIN audit_checkpoints k ON k.tenant_id = c.tenant_id AND k.seq > c.position
         WHERE c.sink = s.sink AND c.stream = 'checkpoints'
      ) x ON true
     GROUP BY s.sink`.execute(db);
  return rows.map((r) => ({ sink: r.sink, pending: Number(r.pending), oldestSeconds: Math.max(0, r.oldest ?? 0) }));
}
