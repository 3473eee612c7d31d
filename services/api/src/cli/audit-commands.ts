import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../config';
import { readLocalState } from '../local/embedded';
import { sealAll } from '../modules/audit/seal-chain';
import {
  parseAuditPublicKeys,
  parseAuditSigningKey,
  trustedKeys,
  type AuditPublicKey,
  type AuditSigningKey,
} from '../modules/audit/checkpoints-keys';
import { auditExport, exportChunks, exportRange, type ExportFormat } from '../modules/audit/export';
import { dirCandidates, verifyDatabase, type CheckpointCandidate, type VerifyReport } from '../modules/audit/verify-checkpoints';
import { ExportFileError, verifyExportFile } from '../modules/audit/verify-file';
import { describeFinding } from '../modules/audit/verify-walk';
import { adminDatabase, adminDb } from './admin-commands';
import { AuditBrokenError, CliError, type Out } from './cli-support';

/**
 * `audit verify` and `audit export` (issue 9). Both read the deployment's own settings (DATABASE_URL,
 * VOUCHSAFE_AUDIT_CHECKPOINT_DIR, VOUCHSAFE_AUDIT_SIGNING_KEY / _PUBLIC_KEYS), so with the deployment's configuration
 * `audit verify` checks the database against the checkpoint directory. Exit codes: 0 intact, 4 broken, 1 error.
 */

export interface VerifyOptions {
  checkpoints?: string | undefined;
  file?: string | undefined;
  publicKey?: string | undefined;
  seal: boolean;
  cwd: string;
}

/** Trusted keys and the checkpoint directory, from flags first, then the deployment's settings, then local mode. */
async function verifierSettings(repoRoot: string, opts: VerifyOptions) {
  const config = loadConfig(undefined, { role: 'cli' });
  let signing: AuditSigningKey | undefined = config.auditSigningKey;
  const dataDir = config.dataDir ?? path.join(repoRoot, '.data');
  if (!signing && !config.databaseUrl) {
    const local = await readLocalState(dataDir);
    if (local?.auditSigningKey) signing = parseAuditSigningKey(local.auditSigningKey, `${dataDir}/local.json auditSigningKey`);
  }
  let flagged: AuditPublicKey[] = [];
  if (opts.publicKey !== undefined) {
    try {
      flagged = parseAuditPublicKeys(opts.publicKey, '--public-key');
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  const keys = trustedKeys(signing, [...config.auditPublicKeys, ...flagged]);
  const defaultDir = config.auditCheckpointDir ?? (config.env === 'production' ? undefined : path.join(dataDir, 'audit-checkpoints'));
  const dir = opts.checkpoints !== undefined ? path.resolve(opts.cwd, opts.checkpoints) : defaultDir;
  if (opts.checkpoints !== undefined && !existsSync(dir!)) throw new CliError(`--checkpoints ${opts.checkpoints}: no such directory.`);
  return { config, keys, dir: dir !== undefined && existsSync(dir) ? dir : undefined };
}

function report(r: VerifyReport, what: string, out: Out, dir: string | undefined): void {
  const events = r.tenants.reduce((n, t) => n + t.events, 0);
  if (!r.ok) {
    const lines = r.findings.slice(0, 20).map((f) => `  - ${describeFinding(f)}`);
    const more = r.findings.length > 20 ? `\n  … and ${r.findings.length - 20} more` : '';
    throw new AuditBrokenError(`Audit trail BROKEN (${what}): ${r.findings.length} finding(s):\n${lines.join('\n')}${more}`);
  }
  for (const t of r.tenants) {
    const uncovered =
      t.lastIndex === null ? 0n : BigInt(t.lastIndex) - BigInt(t.coveredTo ?? (t.firstIndex ? BigInt(t.firstIndex) - 1n : 0n));
    out.info(
      `tenant ${t.tenantId}: ${t.events} events (index ${t.firstIndex ?? '-'}…${t.lastIndex ?? '-'}), ${t.checkpoints} signed checkpoint(s) matched, covered to ${t.coveredTo ?? 'none'}${uncovered > 0n ? `; ${uncovered} newer event(s) not yet covered by a checkpoint` : ''}`,
    );
  }
  const against =
    dir || r.checkpointsValid > 0
      ? `${r.checkpointsValid} valid signed checkpoint(s)`
      : 'NO checkpoints (hash chain only; a superuser rewrite would pass)';
  out.result(
    `Audit trail intact (${what}): ${events} events across ${r.tenants.length} tenant(s) verified against ${against}${r.unsealed ? `, ${r.unsealed} not yet sealed` : ''}.`,
  );
}

export async function auditVerifyCommand(repoRoot: string, out: Out, opts: VerifyOptions): Promise<void> {
  const { keys, dir } = await verifierSettings(repoRoot, opts);
  if (dir && keys.size === 0) {
    throw new CliError(
      'No audit public key to check the checkpoints with: give --public-key kid:base64url, or set VOUCHSAFE_AUDIT_PUBLIC_KEYS (or VOUCHSAFE_AUDIT_SIGNING_KEY).',
    );
  }
  const candidates: CheckpointCandidate[] = dir ? await dirCandidates(dir) : [];
  if (opts.file !== undefined) {
    const file = path.resolve(opts.cwd, opts.file);
    if (!existsSync(file)) throw new CliError(`--file ${opts.file}: no such file.`);
    let r: VerifyReport;
    try {
      r = await verifyExportFile(file, { candidates, keys });
    } catch (err) {
      if (err instanceof ExportFileError) throw new CliError(`Cannot verify ${opts.file}: ${err.message}.`);
      throw err;
    }
    return report(r, `export file${dir ? ' against the checkpoint directory' : ''}`, out, dir);
  }
  const { config, databaseUrl } = await adminDatabase(repoRoot);
  const { db } = adminDb(config, databaseUrl);
  try {
    if (opts.seal) await sealAll(db);
    const r = await verifyDatabase(db, { candidates, keys });
    report(r, `database${dir ? ` against ${dir}` : ''}`, out, dir);
  } finally {
    await db.destroy();
  }
}

export interface ExportOptions {
  tenant?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
  cwd: string;
}

const instant = (flag: string, v: string | undefined): Date | undefined => {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime()))
    throw new CliError(`${flag} takes an ISO 8601 time, like 2026-12-01T00:00:00Z.`);
  return d;
};

/**
 * `audit export --tenant SLUG`: straight from the database (an operator's tool, like `audit verify`; auditors use the
 * API with an auditor token). The export is itself audited (`review.exported`, actor `cli`).
 */
export async function auditExportCommand(repoRoot: string, out: Out, opts: ExportOptions): Promise<void> {
  if (!opts.tenant)
    throw new CliError(
      'Give the tenant: vouchsafe audit export --tenant SLUG [--since ISO] [--until ISO] --format ndjson|csv [--out FILE].',
    );
  const format = (opts.format ?? 'ndjson') as ExportFormat;
  if (format !== 'ndjson' && format !== 'csv') throw new CliError('--format takes ndjson or csv.');
  const since = instant('--since', opts.since);
  const until = instant('--until', opts.until);
  const { config, databaseUrl } = await adminDatabase(repoRoot);
  const { db } = adminDb(config, databaseUrl);
  try {
    const tenant = await db
      .selectFrom('tenants')
      .select(['id', 'slug'])
      .where('slug', '=', opts.tenant)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!tenant) throw new CliError(`There is no tenant "${opts.tenant.slice(0, 40)}".`);
    const req = { tenantId: tenant.id, tenantSlug: tenant.slug, since, until, format };
    const range = await exportRange(db, req);
    await auditExport(db, req, range, 'cli');
    const chunks = Readable.from(exportChunks(db, req, range, new Date()));
    if (opts.out) {
      const file = path.resolve(opts.cwd, opts.out);
      await pipeline(chunks, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      out.result(`Exported chain indexes ${range.fromIndex ?? '-'}…${range.toIndex ?? '-'} of tenant ${tenant.slug} to ${opts.out}.`);
    } else {
      await pipeline(chunks, process.stdout, { end: false });
    }
  } finally {
    await db.destroy();
  }
}
