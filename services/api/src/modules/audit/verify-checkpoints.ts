import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { GENESIS_HASH } from './canonical';
import type { AuditPublicKey } from './checkpoints-keys';
import { verifyCheckpoint, type SignedCheckpoint } from './checkpoints';
import { readCheckpointDir } from './checkpoints-sink';
import { ChainWalk, type Finding, type TenantSummary } from './verify-walk';

/**
 * `audit verify` against signed checkpoints (S14): the database (or an export file, verify-file.ts) is compared with
 * checkpoints from outside it. A checkpoint counts only when its signature verifies with a trusted public key; one
 * that does not is itself a finding (forged). Read-only.
 */

export interface CheckpointCandidate {
  jws: string;
  /** Where it came from (a file path, `database`, an export line), for the report. */
  source: string;
  /** What its location claims (directory layout), checked against the signed payload. */
  claimed?: { tenantId: string; chainIndex: string };
}

export interface CheckpointSet {
  byTenant: Map<string, SignedCheckpoint[]>;
  findings: Finding[];
  /** How many candidates verified. */
  valid: number;
}

export async function checkCheckpoints(
  candidates: readonly CheckpointCandidate[],
  keys: ReadonlyMap<string, AuditPublicKey>,
): Promise<CheckpointSet> {
  const byTenant = new Map<string, SignedCheckpoint[]>();
  const findings: Finding[] = [];
  let valid = 0;
  for (const c of candidates) {
    const r = await verifyCheckpoint(c.jws, keys);
    if (!r.ok) {
      findings.push({
        kind: 'forged_checkpoint',
        tenantId: c.claimed?.tenantId ?? 'unknown',
        chainIndex: c.claimed?.chainIndex ?? null,
        detail: `${r.problem}${r.kid ? ` kid ${r.kid}` : ''}, ${c.source}`,
      });
      continue;
    }
    const cp = r.checkpoint;
    if (c.claimed && (c.claimed.tenantId !== cp.tenantId || c.claimed.chainIndex !== cp.chainIndex)) {
      findings.push({
        kind: 'forged_checkpoint',
        tenantId: c.claimed.tenantId,
        chainIndex: c.claimed.chainIndex,
        detail: `name_mismatch, ${c.source}`,
      });
      continue;
    }
    valid += 1;
    const list = byTenant.get(cp.tenantId) ?? [];
    list.push(cp);
    byTenant.set(cp.tenantId, list);
  }
  for (const list of byTenant.values()) list.sort((a, b) => (BigInt(a.chainIndex) < BigInt(b.chainIndex) ? -1 : 1));
  return { byTenant, findings, valid };
}

export async function dirCandidates(dir: string): Promise<CheckpointCandidate[]> {
  return (await readCheckpointDir(dir)).map((f) => ({
    jws: f.jws,
    source: f.file,
    claimed: { tenantId: f.tenantId, chainIndex: f.chainIndex },
  }));
}

export interface VerifyReport {
  ok: boolean;
  tenants: TenantSummary[];
  findings: Finding[];
  /** Events committed but not sealed yet (database only): not covered by anything yet. */
  unsealed: number;
  checkpointsValid: number;
}

const PAGE = 5000;

/** Walks every tenant's chain in the database against the given checkpoints (plus the database's own rows, if valid). */
export async function verifyDatabase(
  db: Db,
  opts: { candidates: readonly CheckpointCandidate[]; keys: ReadonlyMap<string, AuditPublicKey>; isUsingDbCheckpoints?: boolean },
): Promise<VerifyReport> {
  const dbRows =
    opts.isUsingDbCheckpoints === false
      ? []
      : await db.selectFrom('audit_checkpoints').select(['tenant_id', 'chain_index', 'jws']).execute();
  const set = await checkCheckpoints(
    [
      ...opts.candidates,
      ...dbRows.map((r) => ({
        jws: r.jws,
        source: 'database',
        claimed: { tenantId: r.tenant_id, chainIndex: String(r.chain_index) },
      })),
    ],
    opts.keys,
  );
  const heads = await db.selectFrom('audit_heads').select(['tenant_id', 'chain_index', 'hash']).execute();
  const headOf = new Map(heads.map((h) => [h.tenant_id, h]));
  const withEvents = await sql<{ tenant_id: string }>`
    SELECT t.id AS tenant_id FROM tenants t WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.tenant_id = t.id AND e.chain_index IS NOT NULL)`.execute(
    db,
  );
  const tenantIds = [...new Set([...headOf.keys(), ...withEvents.rows.map((r) => r.tenant_id), ...set.byTenant.keys()])].sort();
  const unsealed = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('chain_index', 'is', null)
    .executeTakeFirstOrThrow();

  const findings: Finding[] = [...set.findings];
  const tenants: TenantSummary[] = [];
  for (const tenantId of tenantIds) {
    const walk = new ChainWalk(tenantId, { index: 1n, prev: GENESIS_HASH }, set.byTenant.get(tenantId) ?? []);
    let after = '0';
    for (;;) {
      const page = await db
        .selectFrom('audit_events')
        .select(['id', 'tenant_id', 'type', 'secret_id', 'occurred_at', 'data', 'chain_index', 'prev_hash', 'hash'])
        .where('tenant_id', '=', tenantId)
        .where('chain_index', '>', after)
        .orderBy('chain_index')
        .limit(PAGE)
        .execute();
      for (const e of page) {
        walk.push({
          chainIndex: String(e.chain_index),
          id: e.id,
          tenantId: e.tenant_id,
          type: e.type,
          secretId: e.secret_id,
          occurredAt: e.occurred_at.toISOString(),
          data: e.data,
          prevHash: e.prev_hash,
          hash: e.hash,
        });
        after = String(e.chain_index);
      }
      if (page.length < PAGE || walk.broken) break;
    }
    walk.finish(() => true);
    const head = headOf.get(tenantId);
    if (!walk.broken && head && (walk.last.index !== BigInt(head.chain_index) || !walk.last.hash.equals(head.hash))) {
      walk.findings.push({ kind: 'head_mismatch', tenantId, chainIndex: String(head.chain_index), eventId: null });
    }
    findings.push(...walk.findings);
    tenants.push(walk.summary);
  }
  return { ok: findings.length === 0, tenants, findings, unsealed: Number(unsealed.n), checkpointsValid: set.valid };
}
