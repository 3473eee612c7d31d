import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { isRefusedBy, jsonb, SQLSTATE } from '../../db/sql';

/**
 * verification_policies is insert-only: every change is a new row whose version is the previous
 * one + 1, computed and written in ONE statement with its `policy.changed` audit event. Two admins
 * saving at once both compute the same version; the primary key (tenant_id, version) refuses the
 * second, which becomes PolicyConflictError (409, retry).
 */

export class PolicyConflictError extends Error {
  override name = 'PolicyConflictError';
  constructor() {
    super('another policy version was written at the same time');
  }
}

export interface StoredPolicy {
  version: number;
  policy: Record<string, unknown>;
  changedBy: string;
  createdAt: Date;
}

export async function insertPolicyVersion(
  db: Db,
  tenantId: string,
  policy: Record<string, unknown>,
  changedBy: string,
  eventData: Record<string, unknown>,
): Promise<{ version: number; createdAt: Date }> {
  try {
    const { rows } = await sql<{ version: number; created_at: Date }>`
      WITH next AS (
        SELECT COALESCE(MAX(version), 0) + 1 AS version FROM verification_policies WHERE tenant_id = ${tenantId}
      ), ins AS (
        INSERT INTO verification_policies (tenant_id, version, policy, changed_by)
        SELECT ${tenantId}, version, ${jsonb(policy)}, ${changedBy} FROM next
        RETURNING tenant_id, version, created_at
      ), event AS (
        INSERT INTO audit_events (tenant_id, type, data)
        SELECT tenant_id, 'policy.changed', ${jsonb(eventData)} || jsonb_build_object('version', version) FROM ins
      )
      SELECT version, created_at FROM ins`.execute(db);
    const row = rows[0]!;
    return { version: row.version, createdAt: row.created_at };
  } catch (err) {
    if (isRefusedBy(err, SQLSTATE.uniqueViolation)) throw new PolicyConflictError();
    throw err;
  }
}

export async function latestPolicy(db: Db, tenantId: string): Promise<StoredPolicy | undefined> {
  const row = await db
    .selectFrom('verification_policies')
    .select(['version', 'policy', 'changed_by', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { version: row.version, policy: row.policy, changedBy: row.changed_by, createdAt: row.created_at };
}
