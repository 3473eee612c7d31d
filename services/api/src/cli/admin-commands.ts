import path from 'node:path';
import { loadConfig, loadMigrateConfig, parseKeyring, type Config } from '../config';
import { createDb, migrateToLatest, UNLIMITED } from '../db/database';
import { embeddedDatabaseUrl, readLocalState } from '../local/embedded';
import { Keyring, generateKeyEntry } from '../modules/keys/keyring';
import { rotateKeys } from '../modules/keys/rotate-keys';
import { sealAll } from '../modules/audit/seal-chain';
import { verifyAuditChain } from '../modules/audit/verify-chain';
import { API_TOKEN_SCOPES, apiToken, formatApiTokenEntry, generateApiToken, type ApiTokenScope } from '../modules/api-tokens/api-tokens';
import { CliError, type Out } from './cli-support';

/**
 * Admin commands talk to the database directly, with the same DATABASE_URL and VOUCHSAFE_KEYS
 * as the service. Without DATABASE_URL they use the embedded local instance (which must be running).
 */
async function adminDatabase(repoRoot: string) {
  const config = loadConfig();
  if (config.databaseUrl) return { config, databaseUrl: config.databaseUrl, keys: config.keyring! };
  const dataDir = config.dataDir ?? path.join(repoRoot, '.data');
  const state = await readLocalState(dataDir);
  if (!state) throw new CliError('No DATABASE_URL is set and there is no local instance: start Vouchsafe first.');
  return { config, databaseUrl: embeddedDatabaseUrl(state), keys: config.keyring ?? parseKeyring(state.keys) };
}

export function keysGenerateCommand(kid: string | undefined, out: Out): void {
  const name = kid ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) throw new CliError('--kid may use letters, digits, "_", "." and "-" (up to 32).');
  out.info('Put this entry FIRST in VOUCHSAFE_KEYS on every API process, keep the old entries after it,');
  out.info('then run `vouchsafe keys rotate`; remove old entries only once it reports nothing remaining.');
  out.result(generateKeyEntry(name));
}

/** `keys generate --token NAME --scopes a,b`: a new VOUCHSAFE_API_TOKENS entry as the last line. */
export function apiTokenGenerateCommand(name: string | undefined, scopeList: string | undefined, out: Out): void {
  if (!name || !scopeList) {
    throw new CliError(`Give the token a name and its scopes: vouchsafe keys generate --token NAME --scopes ${API_TOKEN_SCOPES.join(',')}`);
  }
  const scopes = [...new Set(scopeList.split(/[,+\s]+/).filter(Boolean))];
  const unknown = scopes.filter((s) => !(API_TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new CliError(`--scopes takes one or more of ${API_TOKEN_SCOPES.join(', ')} (comma-separated).`);
  }
  const token = generateApiToken();
  let entry: string;
  try {
    const checked = apiToken(name, scopes as ApiTokenScope[], token);
    entry = formatApiTokenEntry(checked.name, checked.scopes, token);
  } catch (err) {
    throw new CliError((err as Error).message.replace(/^VOUCHSAFE_API_TOKENS entry "[^"]*": /, '--token: '));
  }
  out.info('Add this entry to VOUCHSAFE_API_TOKENS (comma-separated) on every API process and give the token');
  out.info('(the part after the last ":") to the script or person who will use it. It is shown only now.');
  out.result(entry);
}

/**
 * Admin commands run without the service's statement limit (db/NOTES.md): a person watches them and Ctrl-C stops
 * them, and an audit check reads the whole chain. Getting a connection is still bounded.
 */
const adminDb = (config: Config, databaseUrl: string) =>
  createDb(databaseUrl, 2, { ...UNLIMITED, acquireTimeoutMs: config.databaseAcquireTimeoutMs });

export async function keysRotateCommand(repoRoot: string, out: Out): Promise<void> {
  const { config, databaseUrl, keys } = await adminDatabase(repoRoot);
  const keyring = new Keyring(keys);
  const { db } = adminDb(config, databaseUrl);
  try {
    const result = await rotateKeys(db, keyring, (n) => out.info(`re-wrapped ${n} data keys…`));
    if (result.remaining > 0) {
      throw new CliError(`${result.remaining} data keys are still under an old key (locked by a reveal in flight?): run rotate again.`);
    }
    out.result(`Rotation complete: ${result.rewrapped} data keys re-wrapped; every secret is now under key ${keyring.activeKid}.`);
  } finally {
    await db.destroy();
  }
}

export async function auditVerifyCommand(repoRoot: string, out: Out, opts: { seal: boolean }): Promise<void> {
  const { config, databaseUrl } = await adminDatabase(repoRoot);
  const { db } = adminDb(config, databaseUrl);
  try {
    if (opts.seal) await sealAll(db);
    const r = await verifyAuditChain(db);
    if (!r.ok && r.firstBreak) {
      const b = r.firstBreak;
      const what =
        b.reason === 'head_mismatch'
          ? `the chain of tenant ${b.tenantId} ends before its recorded head (index ${b.chainIndex}): events at the end were deleted`
          : `event ${b.eventId} (tenant ${b.tenantId}, chain index ${b.chainIndex}) does not verify: ${
              b.reason === 'hash_mismatch'
                ? 'its content was changed'
                : b.reason === 'index_gap'
                  ? 'an event before it is missing or out of order'
                  : 'it does not follow the event before it'
            }`;
      throw new CliError(`Audit chain BROKEN after ${r.events} good events: ${what}.`);
    }
    out.result(
      `Audit chain intact: ${r.events} events across ${r.tenants} tenant(s) verified${r.unsealed ? `, ${r.unsealed} not yet sealed` : ''}.`,
    );
  } finally {
    await db.destroy();
  }
}

/**
 * `db migrate`: applies every pending migration and exits, as its own deployment step (run by the migrator role; the
 * API then runs with VOUCHSAFE_MIGRATE=false as a role without DDL rights). Reads DATABASE_URL only: no keyring.
 * Safe to run from several places at once (Kysely's advisory lock); a second run applies nothing.
 */
export async function dbMigrateCommand(repoRoot: string, out: Out): Promise<void> {
  const config = loadMigrateConfig();
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const state = await readLocalState(config.dataDir ?? path.join(repoRoot, '.data'));
    if (!state) throw new CliError('No DATABASE_URL is set and there is no local instance: set DATABASE_URL (the migrator role).');
    databaseUrl = embeddedDatabaseUrl(state);
  }
  // No statement limit: waiting for another migrator's lock and DDL on large tables are legitimate (db/NOTES.md).
  const { db } = createDb(databaseUrl, 1, { ...UNLIMITED, acquireTimeoutMs: config.databaseAcquireTimeoutMs });
  try {
    let applied: string[];
    try {
      applied = await migrateToLatest(db);
    } catch (err) {
      const { hostname, port } = new URL(databaseUrl);
      const code = (err as { code?: string }).code;
      throw new CliError(
        `Migrating the database at ${hostname}:${port || 5432} failed${code ? ` (${code})` : ''}: ${(err as Error).message}. Does this role own the schema (README, Deployment: the migrator role)?`,
      );
    }
    for (const name of applied) out.info(`applied ${name}`);
    out.result(applied.length > 0 ? `Database migrated: ${applied.length} migration(s) applied.` : 'Database already up to date.');
  } finally {
    await db.destroy();
  }
}
