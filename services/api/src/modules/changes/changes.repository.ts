import { sql } from 'kysely';
import type { ChangeField, ChangeKind, ChangeState } from '@vouchsafe/contracts';
import type { Db, Tx } from '../../db/database';
import { jsonb } from '../../db/sql';
import type { SealedPayload } from '../keys/keyring';

/**
 * `pending_changes` (maker-checker, NOTES.md). Every state change is ONE statement with its audit event on the
 * tenant's chain; approval is one transaction (changes.service). A pending row whose window has passed reads as
 * `expired` (`shownState`): nothing needs to run for that, and no statement decides an expired row.
 */

export interface ChangeRow {
  id: string;
  tenantId: string;
  tenant: string;
  kind: ChangeKind;
  target: string | null;
  summary: string;
  fields: ChangeField[];
  weakens: boolean;
  base: string;
  state: ChangeState;
  requestedBy: string;
  requestedByLabel: string;
  requestReason: string | null;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedByLabel: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  sealed: SealedPayload;
}

/** What a reader sees: pending past its window is expired (decided_at stays null: nobody decided). */
const SHOWN = sql`CASE WHEN c.state = 'pending' AND c.expires_at <= now() THEN 'expired' ELSE c.state END`;

const SELECT = sql`
  SELECT c.id, c.tenant_id AS "tenantId", t.slug AS tenant, c.kind, c.target, c.summary, c.fields, c.weakens, c.base,
         ${SHOWN} AS state, c.requested_by AS "requestedBy", c.requested_by_label AS "requestedByLabel",
         c.request_reason AS "requestReason", c.requested_at AS "requestedAt", c.expires_at AS "expiresAt",
         c.decided_by AS "decidedBy", c.decided_by_label AS "decidedByLabel", c.decided_at AS "decidedAt",
         c.decision_reason AS "decisionReason",
         c.payload_format AS "payloadFormat", c.payload_kid AS "payloadKid", c.payload_wrapped_key AS "payloadWrappedKey",
         c.payload_ciphertext AS "payloadCiphertext"
    FROM pending_changes c JOIN tenants t ON t.id = c.tenant_id`;

type RawRow = Omit<ChangeRow, 'sealed'> & {
  payloadFormat: number;
  payloadKid: string;
  payloadWrappedKey: Buffer;
  payloadCiphertext: Buffer;
};

function toRow(r: RawRow): ChangeRow {
  const { payloadFormat, payloadKid, payloadWrappedKey, payloadCiphertext, ...rest } = r;
  return { ...rest, sealed: { format: payloadFormat, kid: payloadKid, wrappedKey: payloadWrappedKey, ciphertext: payloadCiphertext } };
}

/** Audit data for a change event: ids, kind and the paths it touches, never a value (secrets are among them). */
export function changeEventData(c: Pick<ChangeRow, 'id' | 'kind' | 'target' | 'fields' | 'weakens'>, extra: Record<string, unknown>) {
  return {
    change: c.id,
    kind: c.kind,
    ...(c.target !== null ? { target: c.target } : {}),
    paths: c.fields.map((f) => f.path),
    weakens: c.weakens,
    ...extra,
  };
}

export interface NewChange {
  id: string;
  tenantId: string;
  kind: ChangeKind;
  target: string | null;
  summary: string;
  fields: ChangeField[];
  weakens: boolean;
  base: string;
  requestedBy: string;
  requestedByLabel: string;
  requestReason: string | null;
  expiresAt: Date;
  sealed: SealedPayload;
}

/** Stores the change with its `admin.change_requested` event. */
export async function insertChange(db: Db, c: NewChange, eventData: Record<string, unknown>): Promise<void> {
  await sql`
    WITH ins AS (
      INSERT INTO pending_changes (id, tenant_id, kind, target, payload_format, payload_kid, payload_wrapped_key,
                                   payload_ciphertext, summary, fields, weakens, base, requested_by, requested_by_label,
                                   request_reason, expires_at)
      VALUES (${c.id}, ${c.tenantId}, ${c.kind}, ${c.target}, ${c.sealed.format}, ${c.sealed.kid}, ${c.sealed.wrappedKey},
              ${c.sealed.ciphertext}, ${c.summary}, ${jsonb(c.fields)}, ${c.weakens}, ${c.base}, ${c.requestedBy},
              ${c.requestedByLabel}, ${c.requestReason}, ${c.expiresAt})
      RETURNING tenant_id
    )
    INSERT INTO audit_events (tenant_id, type, data)
    SELECT tenant_id, 'admin.change_requested', ${jsonb(eventData)} FROM ins`.execute(db);
}

export async function findChange(db: Db, id: string): Promise<ChangeRow | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const { rows } = await sql<RawRow>`${SELECT} WHERE c.id = ${id}`.execute(db);
  return rows[0] && toRow(rows[0]);
}

/** Newest first, at most 200; `tenants` null = every tenant. */
export async function listChanges(
  db: Db,
  q: { isPendingOnly: boolean; tenant: string | undefined; tenants: readonly string[] | null },
): Promise<ChangeRow[]> {
  const { rows } = await sql<RawRow>`${SELECT}
     WHERE (${!q.isPendingOnly} OR (c.state = 'pending' AND c.expires_at > now()))
       AND (${q.tenant ?? null}::text IS NULL OR t.slug = ${q.tenant ?? null})
       AND (${q.tenants === null} OR t.slug = ANY(${q.tenants === null ? [] : [...q.tenants]}::text[]))
     ORDER BY c.requested_at DESC, c.id
     LIMIT 200`.execute(db);
  return rows.map(toRow);
}

/**
 * The claim of an approval: locks the row only while it is still pending and inside its window. Two approvers at
 * once: the second waits for the first's commit, then finds it no longer pending (exactly one applies the change).
 */
export async function claimPending(trx: Tx, id: string): Promise<boolean> {
  const { rows } = await sql`
    SELECT id FROM pending_changes WHERE id = ${id} AND state = 'pending' AND expires_at > now() FOR UPDATE`.execute(trx);
  return rows.length > 0;
}

export interface Decision {
  id: string;
  state: 'approved' | 'rejected' | 'withdrawn' | 'superseded';
  /** Person id; null for withdrawn / superseded (nobody decided). */
  decidedBy: string | null;
  decidedByLabel: string | null;
  reason: string | null;
  /** Only the requester may withdraw: the statement checks it. */
  requestedBy?: string;
  event: { type: string; data: Record<string, unknown> };
}

/** Moves a pending, unexpired change to its decided state with the event, in one statement; false when it was not. */
export async function decide(db: Db, d: Decision): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH up AS (
      UPDATE pending_changes
         SET state = ${d.state}, decided_by = ${d.decidedBy}, decided_by_label = ${d.decidedByLabel}, decided_at = now(),
             decision_reason = ${d.reason}
       WHERE id = ${d.id} AND state = 'pending' AND expires_at > now()
         AND (${d.requestedBy ?? null}::text IS NULL OR requested_by = ${d.requestedBy ?? null})
      RETURNING id, tenant_id
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, data) SELECT tenant_id, ${d.event.type}, ${jsonb(d.event.data)} FROM up
    )
    SELECT id FROM up`.execute(db);
  return rows.length > 0;
}
