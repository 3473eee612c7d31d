import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, rowHash } from '../src/modules/audit/canonical';
import { generateAuditKey, parseAuditSigningKey, trustedKeys } from '../src/modules/audit/checkpoints-keys';
import { createCheckpointJob } from '../src/modules/audit/checkpoints-job';
import { signCheckpoint, verifyCheckpoint } from '../src/modules/audit/checkpoints';
import { checkpointFileName } from '../src/modules/audit/checkpoints-sink';
import { exportChunks, exportRange } from '../src/modules/audit/export';
import { sealAll } from '../src/modules/audit/seal-chain';
import { dirCandidates, verifyDatabase } from '../src/modules/audit/verify-checkpoints';
import { verifyExportFile } from '../src/modules/audit/verify-file';
import type { FindingKind } from '../src/modules/audit/verify-walk';
import { createLogger } from '../src/logger';
import { startTestApp, type TestApp } from './harness';

/**
 * Issue 9 / S14: each attack a database superuser can make on the audit trail (replica role: triggers off), performed
 * for real, and detected from the signed checkpoints outside the database — on the database and on an export file.
 * One tenant per attack, so each is seen first and alone.
 */

const KEY = parseAuditSigningKey(generateAuditKey('audit-test1').signingKey);
const KEYS = trustedKeys(KEY, []);
let t: TestApp;
let dir: string;
let work: string;

const ATTACKS = ['intact', 'edit', 'delete', 'rewrite', 'delete-recompute', 'truncate', 'forge'] as const;
type Attack = (typeof ATTACKS)[number];
const tenant = {} as Record<Attack, string>;

async function superuser(statement: ReturnType<typeof sql>) {
  await t.db.connection().execute(async (conn) => {
    await sql`SET session_replication_role = replica`.execute(conn);
    try {
      await statement.execute(conn);
    } finally {
      await sql`SET session_replication_role = origin`.execute(conn);
    }
  });
}

/** What an attacker with the product's source does after editing history: recompute every hash, rewrite the head. */
async function recomputeChain(tenantId: string) {
  const rows = await t.db
    .selectFrom('audit_events')
    .select(['seq', 'id', 'tenant_id', 'type', 'secret_id', 'occurred_at', 'data', 'chain_index'])
    .where('tenant_id', '=', tenantId)
    .where('chain_index', 'is not', null)
    .orderBy('chain_index')
    .execute();
  let prev: Buffer = GENESIS_HASH;
  let index = 0n;
  for (const r of rows) {
    index += 1n;
    const hash = rowHash(prev, index, r);
    await superuser(
      sql`UPDATE audit_events SET chain_index = ${index.toString()}, prev_hash = ${prev}, hash = ${hash} WHERE seq = ${r.seq}`,
    );
    prev = hash;
  }
  await superuser(sql`UPDATE audit_heads SET chain_index = ${index.toString()}, hash = ${prev} WHERE tenant_id = ${tenantId}`);
}

async function addEvents(tenantId: string, n: number) {
  for (let i = 0; i < n; i += 1) {
    await sql`INSERT INTO audit_events (tenant_id, type, data) VALUES (${tenantId}, 'secret.created', ${JSON.stringify({ sizeBytes: i, n: i })}::jsonb)`.execute(
      t.db,
    );
  }
}

async function exportToFile(tenantId: string, slug: string): Promise<string> {
  const file = path.join(work, `${slug}.ndjson`);
  const req = { tenantId, tenantSlug: slug, format: 'ndjson' as const };
  const range = await exportRange(t.db, req);
  await pipeline(Readable.from(exportChunks(t.db, req, range, new Date())), createWriteStream(file));
  return file;
}

const kinds = (findings: { kind: FindingKind; tenantId: string }[], tenantId: string) =>
  findings.filter((f) => f.tenantId === tenantId).map((f) => f.kind);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vs-cp-'));
  work = mkdtempSync(path.join(tmpdir(), 'vs-cp-work-'));
  t = await startTestApp({ config: { auditSigningKey: KEY, auditCheckpointDir: dir } });
  for (const a of ATTACKS) {
    tenant[a] = randomUUID();
    await sql`INSERT INTO tenants (id, slug, name) VALUES (${tenant[a]}, ${`t-${a}`}, ${a})`.execute(t.db);
  }
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('signed checkpoints', () => {
  it('signs each moved head once (replicas cooperate), publishes one file per checkpoint, and retries a failed write', async () => {
    // Signed five minutes ago, so a full export made now must reach them (verify-file.ts: clock tolerance).
    const past = () => new Date(Date.now() - 5 * 60_000);
    const job = createCheckpointJob({ db: t.db, logger: createLogger('silent'), signingKey: KEY, dir, now: past });
    for (const a of ATTACKS) await addEvents(tenant[a], 10);
    await sealAll(t.db);
    // The folder of one tenant is blocked by a file: the directory write fails after the row is in.
    writeFileSync(path.join(dir, tenant.intact), 'not a folder');
    await expect(job.run()).rejects.toThrow();
    rmSync(path.join(dir, tenant.intact));
    // A new process (fresh cursor, from the directory) writes what is missing; nothing is signed twice.
    const other = createCheckpointJob({ db: t.db, logger: createLogger('silent'), signingKey: KEY, dir, now: past });
    const [r1, r2] = await Promise.all([other.run(), t.graph.workers.checkpoints!.run()]);
    expect(r1.signed + r2.signed).toBe(0);
    expect(readdirSync(path.join(dir, tenant.intact))).toEqual([checkpointFileName('10')]);
    for (const a of ATTACKS) await addEvents(tenant[a], 5);
    await sealAll(t.db);
    expect((await job.run()).signed).toBe(ATTACKS.length);
    expect((await job.run()).signed).toBe(0);
    const rows = await sql<{ n: string }>`SELECT count(*)::text AS n FROM audit_checkpoints`.execute(t.db);
    expect(rows.rows[0]!.n).toBe(String(ATTACKS.length * 2));
    const file = readFileSync(path.join(dir, tenant.intact, checkpointFileName('15')), 'utf8');
    const checked = await verifyCheckpoint(file.trim(), KEYS);
    expect(checked).toMatchObject({ ok: true, checkpoint: { tenantId: tenant.intact, chainIndex: '15', kid: 'audit-test1' } });
    expect(JSON.parse(Buffer.from(file.split('.')[0]!, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      kid: 'audit-test1',
      typ: 'vouchsafe-audit-checkpoint+jws',
    });
    const intact = await verifyDatabase(t.db, { candidates: await dirCandidates(dir), keys: KEYS });
    expect(intact.findings).toEqual([]);
    expect(intact.tenants.find((s) => s.tenantId === tenant.intact)).toMatchObject({ events: 15, coveredTo: '15', checkpoints: 4 });
  });

  it('detects every superuser attack from the checkpoints, on the database and on an export file', async () => {
    const at = (a: Attack, index: number) =>
      sql<{ id: string }>`SELECT id FROM audit_events WHERE tenant_id = ${tenant[a]} AND chain_index = ${index}`
        .execute(t.db)
        .then((r) => r.rows[0]!.id);
    // Edited event, hashes left alone.
    const edited = await at('edit', 3);
    await superuser(sql`UPDATE audit_events SET data = data || '{"outcome":"forged"}'::jsonb WHERE id = ${edited}`);
    // Deleted event, hashes left alone.
    await superuser(sql`DELETE FROM audit_events WHERE tenant_id = ${tenant.delete} AND chain_index = 4`);
    // Edited event, whole chain and head recomputed with the product's own function.
    const rewritten = await at('rewrite', 12);
    await superuser(sql`UPDATE audit_events SET data = '{"outcome":"denied"}'::jsonb WHERE id = ${rewritten}`);
    await recomputeChain(tenant.rewrite);
    // Deleted event, later ones renumbered, chain and head recomputed.
    await superuser(sql`DELETE FROM audit_events WHERE tenant_id = ${tenant['delete-recompute']} AND chain_index = 2`);
    await recomputeChain(tenant['delete-recompute']);
    // Tail cut and the head moved back to match.
    await superuser(sql`DELETE FROM audit_events WHERE tenant_id = ${tenant.truncate} AND chain_index > 12`);
    await recomputeChain(tenant.truncate);
    // Forged checkpoints: another key under our kid (a file), an unknown kid (a file), and a forged database row.
    const impostor = parseAuditSigningKey(generateAuditKey('audit-test1').signingKey);
    const stranger = parseAuditSigningKey(generateAuditKey('someone-else').signingKey);
    const lie = { tenantId: tenant.forge, hash: 'ab'.repeat(32), signedAt: new Date().toISOString() };
    const forged = await signCheckpoint(impostor, { ...lie, chainIndex: '20' });
    writeFileSync(path.join(dir, tenant.forge, checkpointFileName('20')), `${forged.jws}\n`);
    writeFileSync(
      path.join(dir, tenant.forge, checkpointFileName('21')),
      `${(await signCheckpoint(stranger, { ...lie, chainIndex: '21' })).jws}\n`,
    );
    const row = await signCheckpoint(impostor, { ...lie, chainIndex: '22' });
    await sql`INSERT INTO audit_checkpoints (tenant_id, chain_index, hash, signed_at, kid, jws)
              VALUES (${tenant.forge}, 22, ${Buffer.from(lie.hash, 'hex')}, now(), ${row.kid}, ${row.jws})`.execute(t.db);

    // The hash chain alone (what `audit verify` did before issue 9) cannot see the recomputed attacks.
    const chainOnly = await verifyDatabase(t.db, { candidates: [], keys: KEYS, isUsingDbCheckpoints: false });
    for (const a of ['rewrite', 'delete-recompute', 'truncate'] as const) expect(kinds(chainOnly.findings, tenant[a])).toEqual([]);

    const expected: Record<Attack, FindingKind[]> = {
      intact: [],
      edit: ['hash_mismatch'],
      delete: ['index_gap'],
      rewrite: ['checkpoint_mismatch'],
      'delete-recompute': ['checkpoint_mismatch'],
      truncate: ['truncated'],
      forge: ['forged_checkpoint', 'forged_checkpoint', 'forged_checkpoint'],
    };
    const candidates = await dirCandidates(dir);
    const db = await verifyDatabase(t.db, { candidates, keys: KEYS });
    expect(db.ok).toBe(false);
    for (const a of ATTACKS) expect(kinds(db.findings, tenant[a]).sort(), `database: ${a}`).toEqual(expected[a]);
    expect(db.findings.find((f) => f.tenantId === tenant.edit)).toMatchObject({ eventId: edited, chainIndex: '3' });
    expect(db.findings.find((f) => f.tenantId === tenant.rewrite)).toMatchObject({ chainIndex: '15' });
    expect(db.findings.find((f) => f.tenantId === tenant.truncate)).toMatchObject({ chainIndex: '15' });
    const forgedDetails = db.findings.filter((f) => f.tenantId === tenant.forge).map((f) => f.detail!.split(' ')[0]);
    expect(forgedDetails.sort()).toEqual(['bad_signature', 'bad_signature', 'unknown_kid']);

    for (const a of ATTACKS) {
      const file = await exportToFile(tenant[a], `t-${a}`);
      const r = await verifyExportFile(file, { candidates, keys: KEYS });
      // The forged database row is not in the export (it is beyond the chain's end); the two files are.
      const want = a === 'forge' ? ['forged_checkpoint', 'forged_checkpoint'] : expected[a];
      expect(kinds(r.findings, tenant[a]).sort(), `export file: ${a}`).toEqual(want);
    }
  });
});

describe('a receipt check believes only a checkpoint whose signature covers the row shown', () => {
  it('valid as signed; false once a superuser edits the stored checkpoint, or stores one signed by another key', async () => {
    const id = randomUUID();
    await sql`INSERT INTO tenants (id, slug, name) VALUES (${id}, 't-receipt', 'receipt')`.execute(t.db);
    await addEvents(id, 2);
    await sealAll(t.db);
    await t.graph.workers.checkpoints!.run();
    const first = await t.db.selectFrom('audit_events').select('id').where('tenant_id', '=', id).orderBy('seq').executeTakeFirstOrThrow();

    const signed = await t.graph.review.receipt('t-receipt', first.id, 'api-token:test');
    expect(signed.checkpoint).not.toBeNull();
    expect(signed.chain.linksToCheckpoint).toBe(true);
    expect(signed.checkpointValid).toBe(true);

    // The row says another hash than the JWS signed (a superuser "fixing" the checkpoint after rewriting history).
    await superuser(sql`UPDATE audit_checkpoints SET hash = ${Buffer.alloc(32, 7)} WHERE tenant_id = ${id}`);
    expect((await t.graph.review.receipt('t-receipt', first.id, 'api-token:test')).checkpointValid).toBe(false);

    // A JWS over the very same head, but by a key this deployment does not trust.
    const head = await t.db.selectFrom('audit_heads').selectAll().where('tenant_id', '=', id).executeTakeFirstOrThrow();
    const forged = await signCheckpoint(parseAuditSigningKey(generateAuditKey('test-audit1').signingKey), {
      tenantId: id,
      chainIndex: head.chain_index,
      hash: head.hash.toString('hex'),
      signedAt: new Date().toISOString(),
    });
    await superuser(sql`UPDATE audit_checkpoints SET hash = ${head.hash}, jws = ${forged.jws} WHERE tenant_id = ${id}`);
    expect((await t.graph.review.receipt('t-receipt', first.id, 'api-token:test')).checkpointValid).toBe(false);
  });
});
