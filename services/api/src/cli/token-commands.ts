import { CliError, type Out } from './cli-support';
import { tokensClient } from './http-client';

/**
 * `vouchsafe token create|list|revoke` over the admin API: API tokens created at run time (named, scoped,
 * expiring). The new token is printed once, as the last line; nothing can show it again.
 */

interface TokenCommandOptions {
  api: string;
  token: string | undefined;
}

export async function tokenCreateCommand(
  o: TokenCommandOptions & { name: string | undefined; scopes: string | undefined; days: string | undefined },
  out: Out,
): Promise<void> {
  if (!o.name) throw new CliError('Give the new token a name: vouchsafe token create NAME --scopes secrets[,metrics] [--days 90].');
  if (!o.scopes) throw new CliError('Say what the token may do: --scopes secrets, admin, metrics or auditor (comma-separated).');
  let expiresInDays: number | undefined;
  if (o.days !== undefined) {
    expiresInDays = Number(o.days);
    if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 366)
      throw new CliError('--days must be a whole number from 1 to 366.');
  }
  const created = await tokensClient(o.api, o.token).create({
    name: o.name,
    scopes: o.scopes.split(',').map((s) => s.trim()),
    ...(expiresInDays === undefined ? {} : { expiresInDays }),
  });
  out.info(`Created API token "${created.name}" (${created.scopes.join(', ')}), expires ${created.expiresAt}.`);
  out.info('It is shown only now: store it in your secret manager.');
  out.result(created.token);
}

export async function tokenListCommand(o: TokenCommandOptions, out: Out): Promise<void> {
  const { tokens } = await tokensClient(o.api, o.token).list();
  for (const t of tokens) {
    const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'live';
    out.result([t.name, t.scopes.join('+'), t.source, state, t.expiresAt ?? 'never', t.lastUsedAt ?? '-', t.createdBy ?? '-'].join('\t'));
  }
}

export async function tokenRevokeCommand(o: TokenCommandOptions & { name: string | undefined }, out: Out): Promise<void> {
  if (!o.name) throw new CliError('Give the name of the token to revoke: vouchsafe token revoke NAME.');
  await tokensClient(o.api, o.token).revoke(o.name);
  out.info(`Revoked API token "${o.name}".`);
}
