import { botTokenBinding } from '../chat/slack/slack-workspaces.repository';
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { changeBinding } from '../changes/change-payload';
import { idpBinding } from '../idps/idp-config';
import { credentialsBinding } from '../tenants/tenant-credentials';
import { webhookSecretBinding } from '../desk-events/webhook-secrets';
import { chunkBinding, requestKeyBinding } from '../documents/document-bindings';
import { tenantKeyBinding, type TenantKeyPurpose } from './tenant-keys';
import type { Keyring, PayloadBinding } from './keyring';

const BATCH = 200;

export interface RotationResult {
  rewrapped: number;
  remaining: number;
}

/** One table of envelopes: its key columns (with their SQL types), the envelope columns, and the AAD binding of a row. */
interface Envelopes {
  table:
    | 'secret_payloads'
    | 'tenants'
    | 'tenant_idps'
    | 'tenant_keys'
    | 'pending_changes'
    | 'desk_webhook_secrets'
    | 'chat_workspaces'
    | 'document_chunks'
    | 'document_requests';
  keys: readonly (readonly [column: string, type: 'uuid' | 'text' | 'int4'])[];
  format: string;
  kid: string;
  wrapped: string;
  binding(row: Record<string, string>): PayloadBinding;
}

/**
 * Help-desk tenant credentials (AAD: tenant + 'tenant-credentials'), IdP connections (AAD: tenant + 'idp:<kind>') and
 * per-tenant keys (AAD: tenant + 'tenant-key:<purpose>'; the key itself is unchanged, so the requester keys it
 * derives survive) are envelopes like secret payloads and move the same way.
 */
const ENVELOPES: readonly Envelopes[] = [
  {
    table: 'secret_payloads',
    keys: [
      ['tenant_id', 'uuid'],
      ['secret_id', 'text'],
    ],
    format: 'format',
    kid: 'kid',
    wrapped: 'wrapped_key',
    binding: (r) => ({ tenantId: r.tenant_id!, secretId: r.secret_id! }),
  },
  {
    table: 'tenants',
    keys: [['id', 'uuid']],
    format: 'credentials_format',
    kid: 'credentials_kid',
    wrapped: 'credentials_wrapped_key',
    binding: (r) => credentialsBinding(r.id!),
  },
  {
    table: 'tenant_idps',
    keys: [
      ['tenant_id', 'uuid'],
      ['kind', 'text'],
    ],
    format: 'credentials_format',
    kid: 'credentials_kid',
    wrapped: 'credentials_wrapped_key',
    binding: (r) => idpBinding(r.tenant_id!, r.kind as Parameters<typeof idpBinding>[1]),
  },
  {
    table: 'tenant_keys',
    keys: [
      ['tenant_id', 'uuid'],
      ['purpose', 'text'],
    ],
    format: 'format',
    kid: 'kid',
    wrapped: 'wrapped_key',
    binding: (r) => tenantKeyBinding(r.tenant_id!, r.purpose as TenantKeyPurpose),
  },
  {
    // Chat workspaces' bot tokens (issue 13, modules/chat/slack).
    table: 'chat_workspaces',
    keys: [['tenant_id', 'uuid']],
    format: 'token_format',
    kid: 'token_kid',
    wrapped: 'token_wrapped_key',
    binding: (r) => botTokenBinding(r.tenant_id!),
  },
  {
    // Maker-checker payloads (modules/changes): a pending IdP change carries the connection's secrets.
    table: 'pending_changes',
    keys: [
      ['tenant_id', 'uuid'],
      ['id', 'uuid'],
    ],
    format: 'payload_format',
    kid: 'payload_kid',
    wrapped: 'payload_wrapped_key',
    binding: (r) => changeBinding(r.tenant_id!, r.id!),
  },
  {
    // Issue 12: desk webhook signing secrets (AAD: tenant + 'desk-webhook-secret').
    table: 'desk_webhook_secrets',
    keys: [['tenant_id', 'uuid']],
    format: 'format',
    kid: 'kid',
    wrapped: 'wrapped_key',
    binding: (r) => webhookSecretBinding(r.tenant_id!),
  },
  {
    // Issue 11: uploaded document chunks (client ciphertext sealed again) and requests' sealed private keys (NULL
    // once a request is closed, so never selected: `NULL <> kid` is not true).
    table: 'document_chunks',
    keys: [
      ['tenant_id', 'uuid'],
      ['file_id', 'text'],
      ['idx', 'int4'],
    ],
    format: 'format',
    kid: 'kid',
    wrapped: 'wrapped_key',
    binding: (r) => chunkBinding(r.tenant_id!, r.file_id!, Number(r.idx)),
  },
  {
    table: 'document_requests',
    keys: [
      ['tenant_id', 'uuid'],
      ['id', 'text'],
    ],
    format: 'key_format',
    kid: 'key_kid',
    wrapped: 'key_wrapped',
    binding: (r) => requestKeyBinding(r.tenant_id!, r.id!),
  },
];

/**
 * Re-wraps every data key that is not under the active KEK — from environment keys to the HSM key, or from one HSM
 * key to another — while the service serves traffic. The unwrap and wrap happen in the KEK provider, which may be a
 * network HSM, so never inside a transaction: each batch is read without locks (in key order, so the walk ends), the
 * data keys are re-wrapped, and one UPDATE writes the batch back only where a row still holds the wrapped key that was
 * read (compare-and-set). A row revealed or re-wrapped by someone else meanwhile is left alone; a rotation stopped
 * halfway simply starts again (every row it finished is under the active kid and no longer selected). Payload
 * ciphertext is untouched; only the small wrapped key changes. Old keys must stay configured until this reports
 * remaining = 0.
 */
export async function rotateKeys(db: Db, keyring: Keyring, onProgress?: (done: number) => void): Promise<RotationResult> {
  let rewrapped = 0;
  for (const envelopes of ENVELOPES) {
    const before = rewrapped;
    rewrapped += await rewrapTable(db, keyring, envelopes, (n) => onProgress?.(before + n));
  }
  let remaining = 0;
  for (const e of ENVELOPES) {
    const left = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM ${sql.table(e.table)} WHERE ${sql.ref(e.kid)} <> ${keyring.activeKid}`.execute(db);
    remaining += Number(left.rows[0]!.n);
  }
  return { rewrapped, remaining };
}

async function rewrapTable(db: Db, keyring: Keyring, e: Envelopes, onProgress: (done: number) => void): Promise<number> {
  const keyCols = sql.join(e.keys.map(([c]) => sql.ref(c)));
  let after: string[] | undefined;
  let rewrapped = 0;
  for (;;) {
    const cursor = after ? sql`AND (${keyCols}) > (${sql.join(after.map((v, i) => sql`${v}::${sql.raw(e.keys[i]![1])}`))})` : sql``;
    const { rows } = await sql<Record<string, unknown>>`
      SELECT ${keyCols}, ${sql.ref(e.format)} AS format, ${sql.ref(e.kid)} AS kid, ${sql.ref(e.wrapped)} AS wrapped
        FROM ${sql.table(e.table)}
       WHERE ${sql.ref(e.kid)} <> ${keyring.activeKid} ${cursor}
       ORDER BY ${keyCols}
       LIMIT ${BATCH}`.execute(db);
    if (rows.length === 0) break;
    // Outside any transaction: the provider may call an HSM.
    const next = rows.map((r) => {
      const ids = Object.fromEntries(e.keys.map(([c]) => [c, String(r[c])]));
      const sealed = { format: Number(r.format), kid: String(r.kid), wrappedKey: r.wrapped as Buffer };
      return { ids, old: sealed, fresh: keyring.rewrap(sealed, e.binding(ids)) };
    });
    const columns = e.keys.map(([c, type], i) => ({ c, type, values: next.map((n) => n.ids[c]!), alias: `k${i}` }));
    const updated = await sql`
      UPDATE ${sql.table(e.table)} AS t SET ${sql.ref(e.kid)} = v.new_kid, ${sql.ref(e.wrapped)} = v.new_wrapped
        FROM unnest(${sql.join(columns.map((k) => sql`${k.values}::${sql.raw(k.type)}[]`))},
                    ${next.map((n) => n.old.kid)}::text[], ${next.map((n) => n.old.wrappedKey)}::bytea[],
                    ${next.map((n) => n.fresh.kid)}::text[], ${next.map((n) => n.fresh.wrappedKey)}::bytea[])
             AS v(${sql.join(columns.map((k) => sql.raw(k.alias)))}, old_kid, old_wrapped, new_kid, new_wrapped)
       WHERE ${sql.join(
         columns.map((k) => sql`t.${sql.ref(k.c)} = v.${sql.raw(k.alias)}`),
         sql` AND `,
       )} AND t.${sql.ref(e.kid)} = v.old_kid AND t.${sql.ref(e.wrapped)} = v.old_wrapped`.execute(db);
    const n = Number(updated.numAffectedRows ?? 0n);
    rewrapped += n;
    if (n > 0) onProgress(rewrapped);
    if (rows.length < BATCH) break;
    after = e.keys.map(([c]) => String(rows[rows.length - 1]![c]));
  }
  return rewrapped;
}
