import type { AuditCheckpointView, AuditEventView } from '@vouchsafe/contracts';
import { hexOrNull, type AuditRowFields } from './canonical';

/** An audit_events row as the reviewer API reads it. */
export interface AuditEventRow extends AuditRowFields {
  seq: string;
  chain_index: string | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

export const AUDIT_EVENT_COLUMNS = [
  'seq',
  'id',
  'tenant_id',
  'type',
  'secret_id',
  'occurred_at',
  'data',
  'chain_index',
  'prev_hash',
  'hash',
] as const;

export function toEventView(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    type: row.type,
    secretId: row.secret_id,
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
    chainIndex: row.chain_index === null ? null : Number(row.chain_index),
    prevHash: hexOrNull(row.prev_hash),
    hash: hexOrNull(row.hash),
  };
}

export interface AuditCheckpointRow {
  tenant_id: string;
  chain_index: string;
  hash: Buffer;
  signed_at: Date;
  kid: string;
  jws: string;
}

export function toCheckpointView(row: AuditCheckpointRow): AuditCheckpointView {
  return {
    tenantId: row.tenant_id,
    chainIndex: Number(row.chain_index),
    hash: row.hash.toString('hex'),
    signedAt: row.signed_at.toISOString(),
    kid: row.kid,
    jws: row.jws,
  };
}
