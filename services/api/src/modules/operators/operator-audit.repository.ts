import { sql } from 'kysely';
import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { jsonb } from '../../db/sql';

export type OperatorEventType = 'operator.signed_in' | 'operator.sign_in_refused' | 'operator.signed_out';

/**
 * One audit event per operator sign-in, refusal and sign-out, on the platform's own chain (the default tenant's):
 * operators are not people of one desk tenant. Data: actor (`operator:<sub>`), masked label, roles, refusal reason,
 * truncated client address — never a token, a code, a state or an unmasked email.
 */
export async function recordOperatorEvent(db: Db, type: OperatorEventType, data: Record<string, unknown>): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO audit_events (tenant_id, type, data)
    VALUES (${DEFAULT_TENANT_ID}::uuid, ${type}, ${jsonb(data)})
    RETURNING id`.execute(db);
  return rows[0]!.id;
}
