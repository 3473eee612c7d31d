import { ReceiptCheckSchema, type ReceiptCheck, type ReviewTenant } from '@vouchsafe/contracts';
import { CliError, type Out } from './cli-support';
import { ApiError, reviewClient } from './http-client';

/**
 * `vouchsafe audit receipt RECEIPT [--tenant SLUG] [--json]`: the auditor API's receipt check (an API token with the
 * `auditor` scope), printed for a person or, with --json, exactly as the API answered it. Without --tenant every
 * tenant the token can review is asked in turn (only the one holding the receipt audits the check).
 * Exit 1 when something is proven wrong: the event's hash, its link to the checkpoint, the checkpoint's signature,
 * or a note edited, missing or failed. Pending, unchecked and `unavailable` are not verdicts and exit 0.
 */

export interface ReceiptCommandOptions {
  api: string;
  token: string | undefined;
  receipt: string | undefined;
  tenant: string | undefined;
  json: boolean;
}

export function isReceiptBroken(c: ReceiptCheck): boolean {
  return (
    c.chain.hashValid === false ||
    c.chain.linksToCheckpoint === false ||
    c.checkpointValid === false ||
    c.note.status === 'edited' ||
    c.note.status === 'missing' ||
    c.note.status === 'failed'
  );
}

const yesNo = (v: boolean | null | undefined, unknown: string): string => (v === true ? 'yes' : v === false ? 'NO' : unknown);

export function describeReceipt(c: ReceiptCheck, tenant: string): string[] {
  const cp = c.checkpoint;
  return [
    `receipt     ${c.receipt} (tenant ${tenant})`,
    `event       ${c.event.type} at ${c.event.occurredAt}`,
    `chain       ${c.chain.sealed ? `index ${String(c.chain.index)}, hash recomputes: ${yesNo(c.chain.hashValid, 'not sealed')}` : 'not sealed yet'}`,
    `checkpoint  ${
      cp
        ? `index ${cp.chainIndex} signed ${cp.signedAt} (kid ${cp.kid}); links to it: ${yesNo(c.chain.linksToCheckpoint, 'not walked')}; signature valid: ${yesNo(c.checkpointValid, 'not checked (no audit public key)')}`
        : 'none covers this event yet'
    }`,
    `note        ${c.note.status}${c.note.reason ? ` — ${c.note.reason}` : ''}`,
  ];
}

export async function auditReceiptCommand(opts: ReceiptCommandOptions, out: Out): Promise<boolean> {
  if (!opts.receipt) throw new CliError('Give the receipt to check: vouchsafe audit receipt RECEIPT [--tenant SLUG].');
  const client = reviewClient(opts.api, opts.token);
  const slugs = opts.tenant ? [opts.tenant] : (await client.tenants()).map((t: ReviewTenant) => t.slug);
  for (const slug of slugs) {
    let check: ReceiptCheck;
    try {
      check = ReceiptCheckSchema.parse(await client.receipt(slug, opts.receipt));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) continue;
      throw err;
    }
    if (opts.json) out.result(JSON.stringify(check, null, 2));
    else for (const line of describeReceipt(check, slug)) out.info(line);
    return !isReceiptBroken(check);
  }
  throw new CliError(
    opts.tenant
      ? `Tenant ${opts.tenant} has no audit event with this receipt (or no such tenant).`
      : 'No tenant has an audit event with this receipt.',
  );
}
