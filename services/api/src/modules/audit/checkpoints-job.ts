import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { Logger } from '../../logger';
import type { AuditSigningKey } from './checkpoints-keys';
import { signCheckpoint } from './checkpoints';
import { readSinkCursor, writeCheckpointFile, writeSinkCursor } from './checkpoints-sink';

/**
 * The checkpoint job (every API process, jobs.ts): for each tenant whose sealed head moved since its last checkpoint,
 * sign the head and insert the row (unique per tenant + index: replicas that sign the same head cooperate through
 * ON CONFLICT DO NOTHING); then copy every row not yet in the checkpoint directory there. Order of side effects:
 * read the head (no transaction held) → sign (CPU) → insert (a short transaction, database only) → after commit,
 * the files. A failed file write is retried on the next tick: the rows say what still needs writing, and the sink's
 * cursor only moves past rows that are on disk, so nothing is lost across restarts.
 */

/** Serialises checkpoint inserts so `seq` order is commit order and the sink's cursor never skips a late commit. */
const INSERT_LOCK = 0x76736370; // 'vscp'
const SINK_PAGE = 500;

export interface CheckpointJobDeps {
  db: Db;
  logger: Logger;
  signingKey: AuditSigningKey;
  /** The directory sink; without one, rows are still signed and inserted (the SIEM part forwards them). */
  dir?: string;
  now?: () => Date;
}

export interface CheckpointRunResult {
  signed: number;
  written: number;
  conflicts: number;
}

export function createCheckpointJob(deps: CheckpointJobDeps) {
  const log = deps.logger.child({ component: 'audit-checkpoints' });
  let cursor: string | undefined;

  async function signMovedHeads(): Promise<number> {
    const heads = await sql<{ tenant_id: string; chain_index: string; hash: Buffer }>`
      SELECT h.tenant_id, h.chain_index, h.hash FROM audit_heads h
       WHERE h.chain_index > COALESCE((SELECT max(c.chain_index) FROM audit_checkpoints c WHERE c.tenant_id = h.tenant_id), 0)`.execute(
      deps.db,
    );
    let signed = 0;
    for (const head of heads.rows) {
      const cp = await signCheckpoint(deps.signingKey, {
        tenantId: head.tenant_id,
        chainIndex: String(head.chain_index),
        hash: head.hash.toString('hex'),
        signedAt: (deps.now?.() ?? new Date()).toISOString(),
      });
      const inserted = await deps.db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${INSERT_LOCK})`.execute(trx);
        const r = await sql`
          INSERT INTO audit_checkpoints (tenant_id, chain_index, hash, signed_at, kid, jws)
          VALUES (${cp.tenantId}, ${cp.chainIndex}, ${head.hash}, ${cp.signedAt}, ${cp.kid}, ${cp.jws})
          ON CONFLICT (tenant_id, chain_index) DO NOTHING`.execute(trx);
        return Number(r.numAffectedRows ?? 0n);
      });
      signed += inserted;
    }
    return signed;
  }

  async function flushToDir(dir: string): Promise<{ written: number; conflicts: number }> {
    cursor ??= await readSinkCursor(dir);
    let written = 0;
    let conflicts = 0;
    for (;;) {
      const rows = await deps.db
        .selectFrom('audit_checkpoints')
        .select(['seq', 'tenant_id', 'chain_index', 'jws'])
        .where('seq', '>', cursor)
        .orderBy('seq')
        .limit(SINK_PAGE)
        .execute();
      for (const row of rows) {
        const outcome = await writeCheckpointFile(dir, row.tenant_id, String(row.chain_index), row.jws);
        if (outcome === 'written') written += 1;
        if (outcome === 'conflict') {
          // Never replaced: a different file under this name is evidence for the verifier, not ours to fix.
          conflicts += 1;
          log.error({ tenantId: row.tenant_id, chainIndex: String(row.chain_index) }, 'a different checkpoint file already exists');
        }
        cursor = row.seq;
      }
      if (rows.length > 0) await writeSinkCursor(dir, cursor);
      if (rows.length < SINK_PAGE) return { written, conflicts };
    }
  }

  return {
    /** One tick: sign moved heads, then bring the directory up to date. Throws (the loop logs and retries). */
    async run(): Promise<CheckpointRunResult> {
      const signed = await signMovedHeads();
      const { written, conflicts } = deps.dir ? await flushToDir(deps.dir) : { written: 0, conflicts: 0 };
      if (signed > 0 || written > 0) log.debug({ signed, written }, 'audit checkpoints');
      return { signed, written, conflicts };
    },
  };
}

export type CheckpointJob = ReturnType<typeof createCheckpointJob>;
