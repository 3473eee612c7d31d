import type { SiemCheckpointRecord, SiemEventRecord } from '@vouchsafe/contracts';
import type { CheckpointRow, SealedEventRow } from './cursors.repository';
import { severityOf } from './severity';

/** The wire record of a sealed audit event (contracts/siem.ts): what the audit row holds, plus its severity. */
export function eventRecord(row: SealedEventRow): SiemEventRecord {
  return {
    kind: 'audit_event',
    id: row.id,
    tenantId: row.tenant_id,
    tenant: row.slug,
    type: row.type,
    severity: severityOf({ type: row.type, data: row.data }),
    secretId: row.secret_id,
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
    chainIndex: Number(row.chain_index),
    prevHash: row.prev_hash.toString('hex'),
    hash: row.hash.toString('hex'),
  };
}

/** The wire record of a signed checkpoint; its stable id is `<tenantId>:<chainIndex>` (unique per tenant and index). */
export function checkpointRecord(row: CheckpointRow): SiemCheckpointRecord {
  return {
    kind: 'audit_checkpoint',
    id: `${row.tenant_id}:${row.chain_index}`,
    tenantId: row.tenant_id,
    tenant: row.slug,
    severity: 'low',
    chainIndex: Number(row.chain_index),
    hash: row.hash.toString('hex'),
    signedAt: row.signed_at.toISOString(),
    kid: row.kid,
    jws: row.jws,
  };
}

/** When the fact a record reports happened. */
export const recordTime = (r: SiemEventRecord | SiemCheckpointRecord): string => (r.kind === 'audit_event' ? r.occurredAt : r.signedAt);
