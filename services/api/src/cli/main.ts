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
import { AuditBrokenError, CliError, inUserWords, stdoutOut } from './cli-support';
import { commandHelp, overview } from './help';
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
  'passphrase-file',
  'label',
  'name',
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
      'passphrase-file': { type: 'string' },
      label: { type: 'string' },
      name: { type: 'string' },
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
  if (!group || (group === 'help' && positionals.length === 1) || (values.help && positionals.length === 0)) {
    stdoutOut.info(overview());
    return;
  }
  if (group === 'help' || values.help) {
    const words = group === 'help' ? positionals.slice(1) : positionals;
    const page = commandHelp(words);
    if (!page) throw new CliError(`There is no command "${words.join(' ')}". Run vouchsafe help for the list.`);
    stdoutOut.info(page);
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
      return createSecretCommand(
        {
          ...values,
          passphraseFile: values['passphrase-file'],
          api,
          token,
          cwd,
          maxFileBytes: env.VOUCHSAFE_MAX_FILE_BYTES,
          stdin: { stream: process.stdin, ...(process.stdin.isTTY ? { tty: process.stdin } : {}) },
          warn: process.stderr,
        },
        stdoutOut,
      );
    case 'secret reveal':
      if (!arg) throw new CliError('Give the link to reveal: vouchsafe secret reveal LINK.');
      return revealSecretCommand(
        {
          link: arg,
          cwd,
          ...values,
          passphraseFile: values['passphrase-file'],
          warn: process.stderr,
          ...(explicitApi ? { api: explicitApi } : {}),
        },
        stdoutOut,
      );
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
      throw new CliError('Use vouchsafe tenant idp set|list|remove SLUG …; see vouchsafe help tenant.');
    }
    case 'tenant policy': {
      const [, , sub, slug] = positionals;
      if (sub === 'show') return policyShowCommand({ api, token, cwd, slug }, stdoutOut);
      if (sub === 'set') return policySetCommand({ api, token, cwd, slug, file: values.file }, stdoutOut);
      throw new CliError('Use vouchsafe tenant policy show|set SLUG …; see vouchsafe help tenant.');
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
      throw new CliError(`Unknown command "${key}". Run vouchsafe help for the list.`);
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
      const sentence =
        err.code === 'secret_gone' ? 'This secret is gone: it expired, was already viewed, or was revoked.' : inUserWords(err.message);
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
