import { sql } from 'kysely';
import type { IdpKind } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { jsonb } from '../../db/sql';
import type { SealedPayload } from '../keys/keyring';

/** tenant_idps rows. A change and its audit event are written by ONE statement. */

export interface IdpRow {
  kind: IdpKind;
  settings: Record<string, unknown>;
  sealed: SealedPayload;
  updatedAt: Date;
}

/** Inserts or replaces the tenant's connection of this kind with its `idp.configured` event. */
export async function upsertIdp(
  db: Db,
  row: { tenantId: string; kind: IdpKind; settings: Record<string, unknown>; sealed: SealedPayload },
  eventData: Record<string, unknown>,
): Promise<{ isReplacement: boolean }> {
  const { rows } = await sql<{ is_replacement: boolean }>`
    WITH up AS (
      INSERT INTO tenant_idps (tenant_id, kind, settings, credentials_format, credentials_kid, credentials_wrapped_key, credentials_ciphertext)
      VALUES (${row.tenantId}, ${row.kind}, ${jsonb(row.settings)}, ${row.sealed.format}, ${row.sealed.kid},
              ${row.sealed.wrappedKey}, ${row.sealed.ciphertext})
      ON CONFLICT (tenant_id, kind) DO UPDATE
         SET settings = EXCLUDED.settings, credentials_format = EXCLUDED.credentials_format,
             credentials_kid = EXCLUDED.credentials_kid, credentials_wrapped_key = EXCLUDED.credentials_wrapped_key,
             credentials_ciphertext = EXCLUDED.credentials_ciphertext, updated_at = now()
      RETURNING tenant_id, (xmax <> 0) AS is_replacement
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'idp.configured', ${jsonb(eventData)} || jsonb_build_object('replaced', is_replacement) FROM up
    )
    SELECT is_replacement FROM up`.execute(db);
  return { isReplacement: rows[0]?.is_replacement ?? false };
}

/** Deletes the connection with its `idp.removed` event ({kind, actor, …}); false when there was none. */
export async function deleteIdp(
  db: Db,
  tenantId: string,
  kind: IdpKind,
  eventData: { actor: string } & Record<string, unknown>,
): Promise<boolean> {
  const { rows } = await sql<{ kind: string }>`
    WITH removed AS (
      DELETE FROM tenant_idps WHERE tenant_id = ${tenantId} AND kind = ${kind} RETURNING tenant_id, kind
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'idp.removed', jsonb_build_object('kind', kind) || ${jsonb(eventData)} FROM removed
    )
    SELECT kind FROM removed`.execute(db);
  return rows.length > 0;
}

export async function listIdps(db: Db, tenantId: string): Promise<{ kind: IdpKind; settings: Record<string, unknown>; updatedAt: Date }[]> {
  const rows = await db
    .selectFrom('tenant_idps')
    .select(['kind', 'settings', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, settings: r.settings, updatedAt: r.updated_at }));
}

export async function findIdp(db: Db, tenantId: string, kind: IdpKind): Promise<IdpRow | undefined> {
  const r = await db
    .selectFrom('tenant_idps')
    .select([
      'kind',
      'settings',
      'credentials_format',
      'credentials_kid',
      'credentials_wrapped_key',
      'credentials_ciphertext',
      'updated_at',
    ])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return (
    r && {
      kind: r.kind,
      settings: r.settings,
      sealed: {
        format: r.credentials_format,
        kid: r.credentials_kid,
        wrappedKey: r.credentials_wrapped_key,
        ciphertext: r.credentials_ciphertext,
      },
      updatedAt: r.updated_at,
    }
  );
}
