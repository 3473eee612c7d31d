import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_ID, auditExportPath } from '@vouchsafe/contracts';
import { apiCliEntry } from '@vouchsafe/test-support';
import { formatPublicKey, generateAuditKey, parseAuditSigningKey, trustedKeys } from '../src/modules/audit/checkpoints-keys';
import { sealAll } from '../src/modules/audit/seal-chain';
import { generateKeyEntry } from '../src/modules/keys/keyring';
import { dirCandidates } from '../src/modules/audit/verify-checkpoints';
import { verifyExportFile } from '../src/modules/audit/verify-file';
import { SCOPED_TOKENS, createSecret, startTestApp, type TestApp } from './harness';

/** Issue 9: the audit export over the auditor API and the CLI, and `audit verify` / `keys generate --audit` as processes. */

const BIN = apiCliEntry();
const SIGNING = generateAuditKey('audit-x1');
const KEY = parseAuditSigningKey(SIGNING.signingKey);
let t: TestApp;
let dir: string;
let work: string;

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', INIT_CWD: work, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const auditor = { authorization: `Bearer ${SCOPED_TOKENS.auditor}` };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vs-export-cp-'));
  work = mkdtempSync(path.join(tmpdir(), 'vs-export-work-'));
  t = await startTestApp({ config: { auditSigningKey: KEY, auditCheckpointDir: dir } });
  await Promise.all(Array.from({ length: 6 }, () => createSecret(t.url)));
  // Text a spreadsheet would run as a formula, as an event could carry it (a label, a ticket subject).
  await sql`INSERT INTO audit_events (tenant_id, type, data) VALUES (${DEFAULT_TENANT_ID}, '=HYPERLINK("http://evil.example")', '{"label":"@SUM(1)"}'::jsonb)`.execute(
    t.db,
  );
  await sealAll(t.db);
  await t.graph.workers.checkpoints!.run();
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('GET /api/v1/audit/t/{tenant}/export', () => {
  it('streams NDJSON an auditor can verify offline, and audits the export with the token as actor', async () => {
    const res = await fetch(`${t.url}${auditExportPath('default')}`, { headers: auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="vouchsafe-audit-default-\d{8}T\d{6}Z\.ndjson"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      kind: 'header',
      format: 'vouchsafe-audit-export',
      version: 1,
      tenant: 'default',
      fromIndex: '1',
      toIndex: '7',
    });
    expect(lines.filter((l) => l.kind === 'event')).toHaveLength(7);
    expect(lines.filter((l) => l.kind === 'checkpoint')).toHaveLength(1);
    expect(lines.at(-1)).toEqual({ kind: 'end', events: 7, fromIndex: '1', toIndex: '7' });
    const event = lines[1]!;
    expect(Object.keys(event).sort()).toEqual([
      'chainIndex',
      'data',
      'hash',
      'id',
      'kind',
      'occurredAt',
      'prevHash',
      'secretId',
      'tenantId',
      'type',
    ]);
    const file = path.join(work, 'api.ndjson');
    writeFileSync(file, text);
    const r = await verifyExportFile(file, { candidates: await dirCandidates(dir), keys: trustedKeys(KEY, []) });
    expect(r.findings).toEqual([]);
    expect(r.tenants[0]).toMatchObject({ events: 7, coveredTo: '7' });
    const audited = await sql<{ data: Record<string, unknown> }>`SELECT data FROM audit_events WHERE type = 'review.exported'`.execute(
      t.db,
    );
    expect(audited.rows.map((row) => row.data)).toContainEqual(
      expect.objectContaining({ actor: 'api-token:only-auditor', format: 'ndjson', fromIndex: '1', toIndex: '7' }),
    );
  });

  it('a time window exports a contiguous segment that verifies from its first line', async () => {
    const third = await sql<{ occurred_at: Date }>`SELECT occurred_at FROM audit_events WHERE chain_index = 3`.execute(t.db);
    const since = third.rows[0]!.occurred_at.toISOString();
    const res = await fetch(`${t.url}${auditExportPath('default')}?since=${encodeURIComponent(since)}`, { headers: auditor });
    const text = await res.text();
    const first = JSON.parse(text.split('\n')[1]!) as { chainIndex: string };
    expect(BigInt(first.chainIndex)).toBeGreaterThan(1n);
    const file = path.join(work, 'since.ndjson');
    writeFileSync(file, text);
    const r = await verifyExportFile(file, { candidates: await dirCandidates(dir), keys: trustedKeys(KEY, []) });
    expect(r.findings).toEqual([]);
    expect(r.tenants[0]!.firstIndex).toBe(first.chainIndex);
  });

  it('writes CSV with formula-safe cells', async () => {
    const res = await fetch(`${t.url}${auditExportPath('default')}?format=csv`, { headers: auditor });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = (await res.text()).trim().split('\r\n');
    expect(rows[0]).toBe('chain_index,id,tenant_id,type,secret_id,occurred_at,data,prev_hash,hash');
    expect(rows).toHaveLength(8);
    const formula = rows.find((r) => r.includes('HYPERLINK'))!;
    expect(formula).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(rows.every((r) => !/(^|,)"?[=+@]/.test(r))).toBe(true);
  });

  it('needs the auditor scope; an unknown tenant is 404; a bad query is refused', async () => {
    expect((await fetch(`${t.url}${auditExportPath('default')}`)).status).toBe(401);
    expect(
      (await fetch(`${t.url}${auditExportPath('default')}`, { headers: { authorization: `Bearer ${SCOPED_TOKENS.secrets}` } })).status,
    ).toBe(403);
    expect((await fetch(`${t.url}${auditExportPath('nobody')}`, { headers: auditor })).status).toBe(404);
    expect((await fetch(`${t.url}${auditExportPath('default')}?format=xml`, { headers: auditor })).status).toBe(422);
    expect((await fetch(`${t.url}${auditExportPath('default')}?since=yesterday`, { headers: auditor })).status).toBe(422);
  });
});

describe('the CLI', () => {
  const env = () => ({
    DATABASE_URL: t.database.url,
    VOUCHSAFE_KEYS: generateKeyEntry('k1'),
    VOUCHSAFE_AUDIT_CHECKPOINT_DIR: dir,
    VOUCHSAFE_AUDIT_PUBLIC_KEYS: SIGNING.publicKey,
  });

  it('keys generate --audit prints the signing key last and its public key before it', async () => {
    const r = await cli(['keys', 'generate', '--audit', '--kid', 'audit-2027'], {});
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const key = parseAuditSigningKey(lines.at(-1)!);
    expect(key.kid).toBe('audit-2027');
    expect(lines).toContain(`public ${formatPublicKey(key.publicKey)}`);
  });

  it('exports, verifies the file with no database, and verifies the database against the checkpoint folder (exit 0, then 4)', async () => {
    const exported = await cli(['audit', 'export', '--tenant', 'default', '--format', 'ndjson', '--out', 'cli.ndjson'], env());
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    // No DATABASE_URL, and a data folder with no local instance: only the file, the folder and the key given.
    const alone = { VOUCHSAFE_DATA_DIR: work };
    const offline = await cli(['audit', 'verify', '--file', 'cli.ndjson', '--checkpoints', dir, '--public-key', SIGNING.publicKey], alone);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(offline.stdout.trim().split('\n').at(-1)).toMatch(
      /^Audit trail intact \(export file against the checkpoint directory\): 7 events/,
    );

    const intact = await cli(['audit', 'verify'], env());
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(
      /Audit trail intact \(database against .*\): \d+ events across 1 tenant\(s\) verified against 2 valid signed checkpoint/,
    );

    const victim = await sql<{ id: string }>`SELECT id FROM audit_events WHERE chain_index = 2`.execute(t.db);
    await t.db.connection().execute(async (conn) => {
      await sql`SET session_replication_role = replica`.execute(conn);
      await sql`UPDATE audit_events SET data = '{}'::jsonb WHERE chain_index = 2`.execute(conn);
      await sql`SET session_replication_role = origin`.execute(conn);
    });
    const broken = await cli(['audit', 'verify', '--no-seal'], env());
    expect(broken.code).toBe(4);
    expect(broken.stderr).toContain(`event ${victim.rows[0]!.id} (tenant ${DEFAULT_TENANT_ID}, chain index 2) was edited`);
    // Without a key nothing vouches for the checkpoints: an error, not a verdict.
    const keyless = await cli(['audit', 'verify', '--file', 'cli.ndjson', '--checkpoints', dir], alone);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/No audit public key/);
  });
});
