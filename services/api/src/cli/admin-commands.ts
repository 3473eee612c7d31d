import path from 'node:path';
import { loadConfig, loadMigrateConfig, parseKeyring, type Config } from '../config';
import { createDb, migrateToLatest, UNLIMITED } from '../db/database';
import { embeddedDatabaseUrl, readLocalState } from '../local/embedded';
import { createKeyring } from '../modules/keys/create-keyring';
import { generateKeyEntry } from '../modules/keys/keyring';
import { generatePkcs11Kek } from '../modules/keys/pkcs11-provider';
import { rotateKeys } from '../modules/keys/rotate-keys';
import { generateAuditKey } from '../modules/audit/checkpoints-keys';
import { API_TOKEN_SCOPES, apiToken, formatApiTokenEntry, generateApiToken, type ApiTokenScope } from '../modules/api-tokens/api-tokens';
import { CliError, type Out } from './cli-support';

/**
 * Admin commands talk to the database directly, with the same DATABASE_URL, VOUCHSAFE_KEYS and
 * VOUCHSAFE_PKCS11_* as the service. Without DATABASE_URL they use the embedded local instance (which must be running).
 */
export async function adminDatabase(repoRoot: string) {
  const config = loadConfig(undefined, { role: 'cli' });
  if (config.databaseUrl) return { config, databaseUrl: config.databaseUrl, keys: config.keyring };
  const dataDir = config.dataDir ?? path.join(repoRoot, '.data');
  const state = await readLocalState(dataDir);
  if (!state) throw new CliError('No DATABASE_URL is set and there is no local instance: start Vouchsafe first.');
  return { config, databaseUrl: embeddedDatabaseUrl(state), keys: config.keyring ?? parseKeyring(state.keys), localState: state };
}

export function keysGenerateCommand(kid: string | undefined, out: Out): void {
  const name = kid ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) throw new CliError('--kid may use letters, digits, "_", "." and "-" (up to 32).');
  out.info('Put this entry FIRST in VOUCHSAFE_KEYS on every API process, keep the old entries after it,');
  out.info('then run `vouchsafe keys rotate`; remove old entries only once it reports nothing remaining.');
  out.result(generateKeyEntry(name));
}

/** `keys generate --audit [--kid K]`: a new VOUCHSAFE_AUDIT_SIGNING_KEY as the last line, its public key before it. */
export function auditKeyGenerateCommand(kid: string | undefined, out: Out): void {
  const name = kid ?? `audit${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) throw new CliError('--kid may use letters, digits, "_", "." and "-" (up to 32).');
  const { signingKey, publicKey } = generateAuditKey(name);
  out.info('Public key, for verifiers (VOUCHSAFE_AUDIT_PUBLIC_KEYS or `audit verify --public-key`); keep it with your records:');
  out.info(`public ${publicKey}`);
  out.info('Put the line below in VOUCHSAFE_AUDIT_SIGNING_KEY on every API process (a secret: keep it in your secret store,');
  out.info('never in the database). When you replace it, add the old public key to VOUCHSAFE_AUDIT_PUBLIC_KEYS.');
  out.result(signingKey);
}

/**
 * `keys generate --hsm-label L`: a new AES-256 KEK created inside the configured PKCS#11 token (VOUCHSAFE_PKCS11_MODULE,
 * _TOKEN_LABEL, _PIN or _PIN_FILE), non-extractable: nobody ever sees its value.
 */
export function hsmKeyGenerateCommand(label: string, out: Out): void {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(label)) throw new CliError('--hsm-label may use letters, digits, "_", "." and "-" (up to 64).');
  const { pkcs11 } = loadConfig();
  if (!pkcs11) {
    throw new CliError(
      'Set VOUCHSAFE_PKCS11_MODULE, VOUCHSAFE_PKCS11_TOKEN_LABEL, VOUCHSAFE_PKCS11_PIN_FILE (or _PIN) and VOUCHSAFE_PKCS11_KEYS first.',
    );
  }
  const kid = generatePkcs11Kek(pkcs11, label);
  out.info(`Created a non-extractable AES-256 key labelled "${label}" in token "${pkcs11.tokenLabel}".`);
  out.info('Put its label FIRST in VOUCHSAFE_PKCS11_KEYS on every API process (keep the old labels and VOUCHSAFE_KEYS after),');
  out.info('then run `vouchsafe keys rotate`; remove old keys only once it reports nothing remaining.');
  out.result(kid);
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
export const adminDb = (config: Config, databaseUrl: string) =>
  createDb(databaseUrl, 2, { ...UNLIMITED, acquireTimeoutMs: config.databaseAcquireTimeoutMs });

export async function keysRotateCommand(repoRoot: string, out: Out): Promise<void> {
  const { config, databaseUrl, keys } = await adminDatabase(repoRoot);
  const keyring = createKeyring(config, keys);
  const { db } = adminDb(config, databaseUrl);
  try {
    const result = await rotateKeys(db, keyring, (n) => out.info(`re-wrapped ${n} data keys…`));
    if (result.remaining > 0) {
      throw new CliError(`${result.remaining} data keys are still under an old key (locked by a reveal in flight?): run rotate again.`);
    }
    out.result(`Rotation complete: ${result.rewrapped} data keys re-wrapped; every secret is now under key ${keyring.activeKid}.`);
  } finally {
    await db.destroy();
    keyring.close();
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
