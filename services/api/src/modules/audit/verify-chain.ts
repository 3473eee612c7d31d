import type { Db } from '../../db/database';
import { GENESIS_HASH, rowHash } from './canonical';

export interface ChainBreak {
  tenantId: string;
  /** Receipt id of the first event that does not verify, or null when the tail is missing. */
  eventId: string | null;
  chainIndex: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'index_gap' | 'head_mismatch';
}

export interface VerifyResult {
  ok: boolean;
  tenants: number;
  events: number;
  unsealed: number;
  firstBreak?: ChainBreak;
}

const PAGE = 5000;

/**
 * Walks every tenant's chain from genesis and recomputes each hash. Detects an edited event
 * (hash mismatch), a deleted or reordered one (index gap / prev-hash mismatch) and a deleted
 * tail (the head no longer matches the last event). Read-only.
 */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  const heads = await db.selectFrom('audit_heads').select(['tenant_id', 'chain_index', 'hash']).execute();
  const unsealed = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('chain_index', 'is', null)
    .executeTakeFirstOrThrow();
  let events = 0;
  for (const head of heads) {
    let expectIndex = 1n;
    let prev: Buffer = GENESIS_HASH;
    let after = 0n;
    for (;;) {
      const page = await db
        .selectFrom('audit_events')
        .select(['id', 'tenant_id', 'type', 'secret_id', 'occurred_at', 'data', 'chain_index', 'prev_hash', 'hash'])
        .where('tenant_id', '=', head.tenant_id)
        .where('chain_index', '>', after.toString())
        .orderBy('chain_index')
        .limit(PAGE)
        .execute();
      for (const e of page) {
        const index = BigInt(e.chain_index!);
        const brk = (reason: ChainBreak['reason']): VerifyResult => ({
          ok: false,
          tenants: heads.length,
          events,
          unsealed: Number(unsealed.n),
          firstBreak: { tenantId: head.tenant_id, eventId: e.id, chainIndex: index.toString(), reason },
        });
        if (index !== expectIndex) return brk('index_gap');
        if (!e.prev_hash || !prev.equals(e.prev_hash)) return brk('prev_hash_mismatch');
        const hash = rowHash(prev, index, e);
        if (!e.hash || !hash.equals(e.hash)) return brk('hash_mismatch');
        prev = hash;
        expectIndex += 1n;
        events += 1;
        after = index;
      }
      if (page.length < PAGE) break;
    }
    if (expectIndex - 1n !== BigInt(head.chain_index) || !prev.equals(head.hash)) {
      return {
        ok: false,
        tenants: heads.length,
        events,
        unsealed: Number(unsealed.n),
        firstBreak: { tenantId: head.tenant_id, eventId: null, chainIndex: head.chain_index, reason: 'head_mismatch' },
      };
    }
  }
  return { ok: true, tenants: heads.length, events, unsealed: Number(unsealed.n) };
}
