import { createHash } from 'node:crypto';

/**
 * Canonical JSON for hashing: object keys sorted by code unit, no whitespace, no undefined.
 * (The subset of RFC 8785 we need: our event data holds strings, finite numbers, booleans, null.)
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: unsupported ${typeof value}`);
}

export const GENESIS_HASH = Buffer.alloc(32);

export interface ChainedEvent {
  chainIndex: string;
  id: string;
  tenantId: string;
  type: string;
  secretId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** The hashed fields of an audit_events row, as sealer and verifier both read them. */
export interface AuditRowFields {
  id: string;
  tenant_id: string;
  type: string;
  secret_id: string | null;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** A stored hash as lowercase hex (what exports, receipts and the reviewer API show); null stays null. */
export const hexOrNull = (b: Buffer | null): string | null => (b ? b.toString('hex') : null);

/** Hash of a stored row placed at `chainIndex` after `prevHash`. */
export function rowHash(prevHash: Buffer, chainIndex: bigint, row: AuditRowFields): Buffer {
  return eventHash(prevHash, {
    chainIndex: chainIndex.toString(),
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    secretId: row.secret_id,
    occurredAt: row.occurred_at,
    data: row.data,
  });
}

export function eventHash(prevHash: Buffer, e: ChainedEvent): Buffer {
  const body = canonicalJson({
    chainIndex: e.chainIndex,
    id: e.id,
    tenantId: e.tenantId,
    type: e.type,
    secretId: e.secretId,
    occurredAt: e.occurredAt.toISOString(),
    data: e.data,
  });
  return createHash('sha256').update(prevHash).update(body, 'utf8').digest();
}
