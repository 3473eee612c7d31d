import { sql } from 'kysely';
import { DESK_WEBHOOK_WINDOW_SECONDS } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';

/**
 * Replay refusal: one row per accepted delivery, keyed by something the signature covers (the desk's signed event id,
 * else a digest of the signed bytes). Rows live twice the timestamp window — older deliveries are refused as stale
 * before they get here — and the statement that adds a row deletes that tenant's expired ones (the TTL).
 * Returns false when the key was already there (a retry or a replay).
 */
export async function recordDelivery(db: Db, tenantId: string, eventKey: string): Promise<boolean> {
  const ttlSeconds = 2 * DESK_WEBHOOK_WINDOW_SECONDS;
  const { rows } = await sql<{ n: string }>`
    WITH expired AS (
      DELETE FROM desk_event_receipts
       WHERE tenant_id = ${tenantId} AND received_at < now() - make_interval(secs => ${ttlSeconds})
         AND event_key <> ${eventKey}
    ), added AS (
      INSERT INTO desk_event_receipts (tenant_id, event_key) VALUES (${tenantId}, ${eventKey})
      ON CONFLICT (tenant_id, event_key) DO NOTHING
      RETURNING 1
    )
    SELECT count(*)::text AS n FROM added`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}
