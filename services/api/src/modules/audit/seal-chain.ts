import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import { GENESIS_HASH, rowHash } from './canonical';

const BATCH = 1000;

/**
 * Seals a batch of a tenant's unsealed events onto its hash chain. Writers never wait for this:
 * they only INSERT. The head row lock serialises sealers (any number of API processes may run
 * this; the second one simply waits and then finds nothing to do).
 * Chain order is sealing order (by seq among what has committed), so an event whose transaction
 * commits late is sealed in a later batch rather than breaking the chain.
 */
export async function sealTenantBatch(trx: Tx, tenantId: string): Promise<number> {
  await sql`INSERT INTO audit_heads (tenant_id, chain_index, hash, sealed_at)
            VALUES (${tenantId}, 0, ${GENESIS_HASH}, now()) ON CONFLICT (tenant_id) DO NOTHING`.execute(trx);
  const head = await trx
    .selectFrom('audit_heads')
    .select(['chain_index', 'hash'])
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const events = await trx
    .selectFrom('audit_events')
    .select(['seq', 'id', 'tenant_id', 'type', 'secret_id', 'occurred_at', 'data'])
    .where('tenant_id', '=', tenantId)
    .where('chain_index', 'is', null)
    .orderBy('seq')
    .limit(BATCH)
    .execute();
  if (events.length === 0) return 0;

  let index = BigInt(head.chain_index);
  let prev = head.hash;
  const seqs: string[] = [];
  const indexes: string[] = [];
  const prevs: Buffer[] = [];
  const hashes: Buffer[] = [];
  for (const e of events) {
    index += 1n;
    const hash = rowHash(prev, index, e);
    seqs.push(e.seq);
    indexes.push(index.toString());
    prevs.push(prev);
    hashes.push(hash);
    prev = hash;
  }
  await sql`
    UPDATE audit_events a
       SET chain_index = v.chain_index, prev_hash = v.prev_hash, hash = v.hash
      FROM unnest(${seqs}::bigint[], ${indexes}::bigint[], ${prevs}::bytea[], ${hashes}::bytea[])
           AS v(seq, chain_index, prev_hash, hash)
     WHERE a.seq = v.seq AND a.chain_index IS NULL`.execute(trx);
  await trx
    .updateTable('audit_heads')
    .set({ chain_index: index.toString(), hash: prev, sealed_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .execute();
  return events.length;
}

/** Seals everything currently committed, tenant by tenant, in batches. Returns events sealed. */
export async function sealAll(db: Db): Promise<number> {
  // One index probe per tenant (audit_events_chain_uq: tenant_id = ? AND chain_index IS NULL) instead of a scan of
  // every event: the sealer runs several times a second in every process (modules/audit/NOTES.md).
  const tenants = await sql<{ tenant_id: string }>`
    SELECT t.id AS tenant_id FROM tenants t
     WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.tenant_id = t.id AND e.chain_index IS NULL)`.execute(db);
  let total = 0;
  for (const { tenant_id } of tenants.rows) {
    for (;;) {
      const n = await db.transaction().execute((trx) => sealTenantBatch(trx, tenant_id));
      total += n;
      if (n < BATCH) break;
    }
  }
  return total;
}
