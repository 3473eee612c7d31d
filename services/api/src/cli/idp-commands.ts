import { IdpRegistrationSchema, VerificationPolicySchema, type ChangeAccepted } from '@vouchsafe/contracts';
import { CliError, type Out } from './cli-support';
import { verificationAdminClient } from './http-client';
import { readTenantDefinition, type TenantCommandOptions } from './tenant-commands';

/**
 * `vouchsafe tenant idp set|list|remove` and `tenant policy show|set` over the admin API. IdP
 * secrets come from a JSON file or stdin only (never argv) and are never printed: the API only
 * ever answers with public settings.
 */

const issuesOf = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(file)'} ${i.message}`)
    .join('; ');

const needSlug = (slug: string | undefined, usage: string): string => {
  if (!slug) throw new CliError(`Give the tenant's slug: vouchsafe ${usage}.`);
  return slug;
};

/** With four eyes (the default in production) a change waits for a second person: say so, and which change it is. */
export function waitingLine(accepted: ChangeAccepted): string {
  return `${accepted.change.summary}: waiting for approval (change ${accepted.change.id}). Another administrator approves it in the admin console.`;
}

const isAccepted = (x: unknown): x is ChangeAccepted =>
  typeof x === 'object' && x !== null && (x as { status?: unknown }).status === 'pending_approval';

export async function idpSetCommand(
  opts: TenantCommandOptions & { slug: string | undefined; file: string | undefined },
  out: Out,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  const slug = needSlug(opts.slug, 'tenant idp set SLUG --file F');
  const parsed = IdpRegistrationSchema.safeParse(await readTenantDefinition(opts.file, opts.cwd, stdin, 'IdP connection'));
  // Paths and rule messages only: never echo the values (they include secrets).
  if (!parsed.success) throw new CliError(`The IdP connection is not valid: ${issuesOf(parsed.error.issues)}.`);
  const accepted = await verificationAdminClient(opts.api, opts.token).setIdp(slug, parsed.data);
  out.result(accepted ? waitingLine(accepted) : `${parsed.data.kind} connection saved for ${slug}.`);
}

export async function idpListCommand(opts: TenantCommandOptions & { slug: string | undefined }, out: Out): Promise<void> {
  const slug = needSlug(opts.slug, 'tenant idp list SLUG');
  const { idps } = await verificationAdminClient(opts.api, opts.token).listIdps(slug);
  if (idps.length === 0) {
    out.result(`${slug} has no IdP connections.`);
    return;
  }
  out.info('kind\tupdated\tsettings');
  const lines = idps.map((i) => `${i.kind}\t${i.updatedAt}\t${JSON.stringify(i.settings)}`);
  for (const l of lines.slice(0, -1)) out.info(l);
  out.result(lines.at(-1)!);
}

export async function idpRemoveCommand(
  opts: TenantCommandOptions & { slug: string | undefined; kind: string | undefined },
  out: Out,
): Promise<void> {
  const slug = needSlug(opts.slug, 'tenant idp remove SLUG KIND');
  if (!opts.kind) throw new CliError('Give the kind to remove (okta, duo, oidc or twilio): vouchsafe tenant idp remove SLUG KIND.');
  const accepted = await verificationAdminClient(opts.api, opts.token).removeIdp(slug, opts.kind);
  out.result(accepted ? waitingLine(accepted) : `${opts.kind} connection removed from ${slug}; its methods are no longer offered.`);
}

export async function policyShowCommand(opts: TenantCommandOptions & { slug: string | undefined }, out: Out): Promise<void> {
  const slug = needSlug(opts.slug, 'tenant policy show SLUG');
  const p = await verificationAdminClient(opts.api, opts.token).showPolicy(slug);
  out.info(
    p.isDefault
      ? `${slug}: default policy (none stored yet; built from the IdP connections)`
      : `${slug}: policy version ${p.version}, saved ${p.createdAt} by ${p.changedBy}`,
  );
  out.result(JSON.stringify(p.policy, null, 2));
}

export async function policySetCommand(
  opts: TenantCommandOptions & { slug: string | undefined; file: string | undefined },
  out: Out,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  const slug = needSlug(opts.slug, 'tenant policy set SLUG --file F');
  const parsed = VerificationPolicySchema.safeParse(await readTenantDefinition(opts.file, opts.cwd, stdin, 'policy'));
  if (!parsed.success) throw new CliError(`The policy is not valid: ${issuesOf(parsed.error.issues)}.`);
  const saved = await verificationAdminClient(opts.api, opts.token).setPolicy(slug, parsed.data);
  if (isAccepted(saved)) {
    out.result(waitingLine(saved));
    return;
  }
  const fallback = saved.policy.fallbackMethod ? ` (fallback ${saved.policy.fallbackMethod})` : '';
  out.result(`Policy version ${saved.version} saved for ${slug}: ${saved.policy.methods.join(', ')}${fallback}.`);
}
