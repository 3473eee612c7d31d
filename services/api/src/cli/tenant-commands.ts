import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TenantCreateRequestSchema, type TenantSummary } from '@vouchsafe/contracts';
import { CliError, type Out } from './cli-support';
import { tenantsClient } from './http-client';

/**
 * `vouchsafe tenant add|list|remove` over the admin API. A tenant's desk credentials come from a
 * JSON file or stdin only, never from argv (argv shows up in `ps` and shell history), and are
 * never printed back.
 */

export interface TenantCommandOptions {
  api: string;
  token: string | undefined;
  cwd: string;
}

const MAX_FILE_BYTES = 64 * 1024;

async function readAll(stream: NodeJS.ReadableStream, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_FILE_BYTES) throw new CliError(`The ${what} is larger than 64 KiB.`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The tenant definition (or another JSON document, named by `what`) from `--file F`, or stdin when F is `-` or missing. */
export async function readTenantDefinition(
  file: string | undefined,
  cwd: string,
  stdin: NodeJS.ReadableStream,
  what = 'tenant definition',
): Promise<unknown> {
  let text: string;
  if (file === undefined || file === '-') {
    text = await readAll(stdin, what);
  } else {
    try {
      text = await readFile(path.resolve(cwd, file), 'utf8');
    } catch {
      throw new CliError(`Cannot read ${file}.`);
    }
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new CliError(`The ${what} is larger than 64 KiB.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`The ${what}${file && file !== '-' ? ` in ${file}` : ''} is not valid JSON.`);
  }
}

const line = (t: TenantSummary) => `${t.slug}\t${t.desk ?? '-'}\t${t.account ?? '-'}\t${t.name}\t${t.createdAt}`;

export async function tenantAddCommand(
  opts: TenantCommandOptions & { file: string | undefined },
  out: Out,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  const raw = await readTenantDefinition(opts.file, opts.cwd, stdin);
  const parsed = TenantCreateRequestSchema.safeParse(raw);
  if (!parsed.success) {
    // Paths and rule messages only: never echo the values (they include credentials).
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(file)'} ${i.message}`);
    throw new CliError(`The tenant definition is not valid: ${issues.join('; ')}.`);
  }
  const created = await tenantsClient(opts.api, opts.token).add(parsed.data);
  out.info(`Sidebar links for this tenant look like <public URL>/t/${created.slug}/s/<id>.`);
  out.result(`Tenant ${created.slug} added (${created.desk} ${created.account}).`);
}

export async function tenantListCommand(opts: TenantCommandOptions, out: Out): Promise<void> {
  const { tenants } = await tenantsClient(opts.api, opts.token).list();
  out.info('slug\tdesk\taccount\tname\tcreated');
  for (const t of tenants.slice(0, -1)) out.info(line(t));
  const last = tenants.at(-1);
  if (last) out.result(line(last));
}

export async function tenantRemoveCommand(opts: TenantCommandOptions & { slug: string | undefined }, out: Out): Promise<void> {
  if (!opts.slug) throw new CliError('Give the slug of the tenant to remove: vouchsafe tenant remove SLUG.');
  await tenantsClient(opts.api, opts.token).remove(opts.slug);
  out.result(`Tenant ${opts.slug} removed; its sidebar sessions and links stop working.`);
}
