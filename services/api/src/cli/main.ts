import path from 'node:path';
import { parseArgs } from 'node:util';
import { isCryptoError } from '@vouchsafe/crypto';
import { ConfigError, loadCliEnv } from '../config';
import { readLocalState } from '../local/embedded';
import { REPO_ROOT } from '../paths';
import {
  apiTokenGenerateCommand,
  auditKeyGenerateCommand,
  dbMigrateCommand,
  hsmKeyGenerateCommand,
  keysGenerateCommand,
  keysRotateCommand,
} from './admin-commands';
import { auditExportCommand, auditVerifyCommand } from './audit-commands';
import { AuditBrokenError, CliError, stdoutOut } from './cli-support';
import { ApiError } from './http-client';
import { auditReceiptCommand } from './receipt-commands';
import { createSecretCommand, revealSecretCommand, revokeSecretCommand } from './secret-commands';
import { tenantAddCommand, tenantListCommand, tenantRemoveCommand } from './tenant-commands';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './token-commands';
import { idpListCommand, idpRemoveCommand, idpSetCommand, policySetCommand, policyShowCommand } from './idp-commands';

const STRING_OPTIONS = [
  'api',
  'token',
  'text',
  'file',
  'ttl',
  'views',
  'passphrase',
  'label',
  'out',
  'revoke-token',
  'kid',
  'scopes',
  'days',
  'tenant',
  'checkpoints',
  'public-key',
  'since',
  'until',
  'format',
  'hsm-label',
];

/**
 * `--name value` → `--name=value` for options that take a value. Revoke tokens, API tokens and
 * passphrases are random and may start with "-", which parseArgs would otherwise refuse as ambiguous.
 */
export function attachOptionValues(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (arg.startsWith('--') && names.includes(arg.slice(2)) && i + 1 < argv.length) {
      out.push(`${arg}=${argv[i + 1]!}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

const USAGE = `Usage: vouchsafe <command> [options]

  secret create (--text T | --file F) [--ttl 1h] [--views N] [--passphrase P] [--label L]
                                      encrypt locally, store, print the link (last line)
  secret reveal LINK [--passphrase P] [--out F]
                                      reveal (consumes a view), print text or write the file
  secret revoke LINK --revoke-token R delete the secret now
  keys generate [--kid K]             print a new VOUCHSAFE_KEYS entry (last line)
  keys generate --token NAME --scopes S[,S…]
                                      print a new VOUCHSAFE_API_TOKENS entry NAME:S+S:<token> (last line);
                                      scopes: secrets (create secrets), admin (tenants, IdPs, policy), metrics,
                                      auditor (read-only audit)
  keys generate --audit [--kid K]     print a new VOUCHSAFE_AUDIT_SIGNING_KEY (last line) and, before it,
                                      its public key for verifiers (\`public kid:base64url\`)
  keys generate --hsm-label L         create a non-extractable AES-256 KEK labelled L in the PKCS#11 token
                                      (VOUCHSAFE_PKCS11_*); prints its kid pkcs11:L (last line)
  keys rotate                         re-wrap every data key under the active KEK (the first VOUCHSAFE_PKCS11_KEYS
                                      label when a token is configured, else the first VOUCHSAFE_KEYS entry)
  token create NAME --scopes S[,S…] [--days N]
                                      create an expiring API token (default 90 days, at most 366) with
                                      scopes your own token has; printed once (last line)
  token list                          API tokens: name, scopes, source, state, expiry, last use, creator
  token revoke NAME                   revoke a token created with token create
  db migrate                          apply pending database migrations and exit (DATABASE_URL only; no keys)
  audit verify [--checkpoints DIR] [--file EXPORT.ndjson] [--public-key kid:x[,…]] [--no-seal]
                                      check the audit chain (the database, or an export file with no database)
                                      against the signed checkpoints (default: VOUCHSAFE_AUDIT_CHECKPOINT_DIR and
                                      the keys of VOUCHSAFE_AUDIT_SIGNING_KEY / VOUCHSAFE_AUDIT_PUBLIC_KEYS);
                                      exit 0 intact, 4 broken (each finding named), 1 error
  audit export --tenant SLUG [--since ISO] [--until ISO] [--format ndjson|csv] [--out FILE]
                                      stream a tenant's sealed audit chain (stdout, or a new FILE)
  audit receipt RECEIPT [--tenant SLUG] [--json]
                                      check a note's receipt (auditor scope): its event, chain place,
                                      covering checkpoint and the note as it stands in the desk;
                                      exit 1 when something is proven wrong (edited, missing, bad hash)
  tenant add [--file F]               add a help-desk tenant from a JSON file (or stdin with -/no --file);
                                      desk credentials are read from there, never from the command line
  tenant list                         list tenants (slug, desk, account, name, created)
  tenant remove SLUG                  remove a help-desk tenant (its sessions and links stop working)
  tenant idp set SLUG [--file F]      connect an IdP (okta, duo, oidc, twilio) from a JSON file (or stdin);
                                      its secrets are read from there, never from the command line
  tenant idp list SLUG                list a tenant's IdP connections (public settings only)
  tenant idp remove SLUG KIND         disconnect an IdP
  tenant policy show SLUG             print the tenant's verification policy (JSON, last lines)
  tenant policy set SLUG [--file F]   store a new policy version from a JSON file (or stdin)

Every command accepts --api URL (env VOUCHSAFE_API_URL, default http://localhost:8080)
and --token T (env VOUCHSAFE_TOKEN; the local instance's token when running embedded).`;

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: attachOptionValues(argv, STRING_OPTIONS),
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      ttl: { type: 'string' },
      views: { type: 'string' },
      passphrase: { type: 'string' },
      label: { type: 'string' },
      out: { type: 'string' },
      'revoke-token': { type: 'string' },
      kid: { type: 'string' },
      'hsm-label': { type: 'string' },
      scopes: { type: 'string' },
      days: { type: 'string' },
      'no-seal': { type: 'boolean' },
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      audit: { type: 'boolean' },
      checkpoints: { type: 'string' },
      'public-key': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, arg] = positionals;
  if (values.help || !group) {
    stdoutOut.info(USAGE);
    return;
  }
  const env = loadCliEnv();
  const cwd = env.INIT_CWD ?? process.cwd();
  const api = (values.api ?? env.VOUCHSAFE_API_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const token = values.token ?? env.VOUCHSAFE_TOKEN ?? (await readLocalState(path.join(REPO_ROOT, '.data')))?.apiToken;
  const explicitApi = values.api ?? env.VOUCHSAFE_API_URL;
  const key = `${group} ${command ?? ''}`.trim();
  switch (key) {
    case 'secret create':
      return createSecretCommand({ ...values, api, token, cwd }, stdoutOut);
    case 'secret reveal':
      if (!arg) throw new CliError('Give the link to reveal: vouchsafe secret reveal LINK.');
      return revealSecretCommand({ link: arg, cwd, ...values, ...(explicitApi ? { api: explicitApi } : {}) }, stdoutOut);
    case 'secret revoke':
      if (!arg) throw new CliError('Give the link to revoke: vouchsafe secret revoke LINK --revoke-token R.');
      return revokeSecretCommand(
        { link: arg, revokeToken: values['revoke-token'], ...(explicitApi ? { api: explicitApi } : {}) },
        stdoutOut,
      );
    case 'keys generate':
      // Here --token names the new API token (no token is sent anywhere).
      if (values.token !== undefined || values.scopes !== undefined) return apiTokenGenerateCommand(values.token, values.scopes, stdoutOut);
      if (values.audit) return auditKeyGenerateCommand(values.kid, stdoutOut);
      if (values['hsm-label'] !== undefined) return hsmKeyGenerateCommand(values['hsm-label'], stdoutOut);
      return keysGenerateCommand(values.kid, stdoutOut);
    case 'keys rotate':
      return keysRotateCommand(REPO_ROOT, stdoutOut);
    case 'tenant add':
      return tenantAddCommand({ api, token, cwd, file: values.file }, stdoutOut);
    case 'tenant list':
      return tenantListCommand({ api, token, cwd }, stdoutOut);
    case 'tenant remove':
      return tenantRemoveCommand({ api, token, cwd, slug: arg }, stdoutOut);
    case 'tenant idp': {
      const [, , sub, slug, kind] = positionals;
      if (sub === 'set') return idpSetCommand({ api, token, cwd, slug, file: values.file }, stdoutOut);
      if (sub === 'list') return idpListCommand({ api, token, cwd, slug }, stdoutOut);
      if (sub === 'remove') return idpRemoveCommand({ api, token, cwd, slug, kind }, stdoutOut);
      throw new CliError('Use vouchsafe tenant idp set|list|remove SLUG …; see vouchsafe --help.');
    }
    case 'tenant policy': {
      const [, , sub, slug] = positionals;
      if (sub === 'show') return policyShowCommand({ api, token, cwd, slug }, stdoutOut);
      if (sub === 'set') return policySetCommand({ api, token, cwd, slug, file: values.file }, stdoutOut);
      throw new CliError('Use vouchsafe tenant policy show|set SLUG …; see vouchsafe --help.');
    }
    case 'token create':
      return tokenCreateCommand({ api, token, name: arg, scopes: values.scopes, days: values.days }, stdoutOut);
    case 'token list':
      return tokenListCommand({ api, token }, stdoutOut);
    case 'token revoke':
      return tokenRevokeCommand({ api, token, name: arg }, stdoutOut);
    case 'db migrate':
      return dbMigrateCommand(REPO_ROOT, stdoutOut);
    case 'audit verify':
      return auditVerifyCommand(REPO_ROOT, stdoutOut, {
        seal: !values['no-seal'],
        checkpoints: values.checkpoints,
        file: values.file,
        publicKey: values['public-key'],
        cwd,
      });
    case 'audit export':
      return auditExportCommand(REPO_ROOT, stdoutOut, { ...values, cwd });
    case 'audit receipt': {
      const isIntact = await auditReceiptCommand(
        { api, token, receipt: arg, tenant: values.tenant, json: values.json === true },
        stdoutOut,
      );
      if (!isIntact) process.exitCode = 1;
      return;
    }
    default:
      throw new CliError(`Unknown command "${key}". Run vouchsafe --help.`);
  }
}

run(process.argv.slice(2)).then(
  // 0 unless a command set process.exitCode (audit receipt: a receipt that is proven broken).
  () => process.exit(),
  (err: unknown) => {
    if (err instanceof AuditBrokenError) {
      process.stderr.write(`vouchsafe: ${err.message}\n`);
      process.exit(4);
    }
    if (err instanceof CliError || err instanceof ConfigError) {
      process.stderr.write(`vouchsafe: ${err.message}\n`);
      process.exit(err instanceof ConfigError ? 78 : 1);
    }
    if (err instanceof ApiError) {
      const sentence = err.code === 'secret_gone' ? 'This secret is gone: it expired, was already viewed, or was revoked.' : err.message;
      process.stderr.write(`vouchsafe: ${sentence}\n`);
      process.exit(err.code === 'secret_gone' ? 3 : 1);
    }
    if (isCryptoError(err)) {
      process.stderr.write(`vouchsafe: ${err.message}\n`);
      process.exit(1);
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vouchsafe: ${(err as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`vouchsafe: unexpected failure: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
