import path from 'node:path';
import { loadConfig, parseKeyring, type Config } from '../config';
import { createDb, UNLIMITED } from '../db/database';
import { embeddedDatabaseUrl, readLocalState } from '../local/embedded';
import { createKeyring } from '../modules/keys/create-keyring';
import { generateKeyEntry } from '../modules/keys/keyring';
import { generatePkcs11Kek } from '../modules/keys/pkcs11-provider';
import { rotateKeys } from '../modules/keys/rotate-keys';
import { sealAll } from '../modules/audit/seal-chain';
import { verifyAuditChain } from '../modules/audit/verify-chain';
import { API_TOKEN_SCOPES, apiToken, formatApiTokenEntry, generateApiToken, type ApiTokenScope } from '../modules/api-tokens/api-tokens';
import { CliError, type Out } from './cli-support';

/**
 * Admin commands talk to the database directly, with the same DATABASE_URL, VOUCHSAFE_KEYS and
 * VOUCHSAFE_PKCS11_* as the service. Without DATABASE_URL they use the embedded local instance (which must be running).
 */
async function adminDatabase(repoRoot: string) {
  const config = loadConfig();
  if (config.databaseUrl) return { config, databaseUrl: config.databaseUrl, keys: config.keyring };
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
const adminDb = (config: Config, databaseUrl: string) =>
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
