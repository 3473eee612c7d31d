import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { isRefusedBy, jsonb, SQLSTATE } from '../../db/sql';
import type { ApiTokenScope } from './api-tokens';

/**
 * Stored API tokens (`api_tokens`). Deployment-wide actions are audited in the default tenant's chain (the
 * deployment's own), each in the same statement as the change it records. Only digests are ever stored.
 */

export interface StoredTokenRow {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** The operator the token acts for (issue 10); null for tokens made by bootstrap tokens. */
  owner: string | null;
  ownerLabel: string | null;
}

export class TokenNameTakenError extends Error {
  constructor() {
    super('api token name already taken');
  }
}

export async function insertToken(
  db: Db,
  t: {
    name: string;
    scopes: readonly ApiTokenScope[];
    digest: Buffer;
    createdBy: string;
    expiresAt: Date;
    owner: { actor: string; label: string } | undefined;
  },
): Promise<StoredTokenRow> {
  try {
    const { rows } = await sql<StoredTokenRow>`
      WITH t AS (
        INSERT INTO api_tokens (name, scopes, digest, created_by, expires_at, owner, owner_label)
        VALUES (${t.name}, ${sql.val([...t.scopes])}::text[], ${t.digest}, ${t.createdBy}, ${t.expiresAt},
                ${t.owner?.actor ?? null}, ${t.owner?.label ?? null})
        RETURNING *
      ), e AS (
        INSERT INTO audit_events (tenant_id, type, data)
        SELECT ${DEFAULT_TENANT_ID}::uuid, 'api_token.created',
               ${jsonb({ name: t.name, scopes: t.scopes, actor: t.createdBy, ...(t.owner ? { owner: t.owner.actor } : {}) })} || jsonb_build_object('expiresAt', t.expires_at)
          FROM t
      )
      SELECT id, name, scopes, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt",
             revoked_at AS "revokedAt", last_used_at AS "lastUsedAt",
             owner, owner_label AS "ownerLabel"
        FROM t`.execute(db);
    return rows[0]!;
  } catch (err) {
    if (isRefusedBy(err, SQLSTATE.uniqueViolation, 'api_tokens_live_name_uq')) throw new TokenNameTakenError();
    throw err;
  }
}

/** Tokens that still work, then revoked and expired ones of the last 90 days (for the record), newest first. */
export async function listTokens(db: Db): Promise<StoredTokenRow[]> {
  const { rows } = await sql<StoredTokenRow>`
    SELECT id, name, scopes, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt",
           revoked_at AS "revokedAt", last_used_at AS "lastUsedAt",
             owner, owner_label AS "ownerLabel"
      FROM api_tokens
     WHERE revoked_at IS NULL OR revoked_at > now() - interval '90 days'
     ORDER BY created_at DESC
     LIMIT 1000`.execute(db);
  return rows;
}

/** Revokes the live token of that name, with its audit event; false when there is none. */
export async function revokeToken(db: Db, name: string, actor: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH t AS (
      UPDATE api_tokens SET revoked_at = now(), revoked_by = ${actor}
       WHERE lower(name) = lower(${name}) AND revoked_at IS NULL
      RETURNING id, name
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT ${DEFAULT_TENANT_ID}::uuid, 'api_token.revoked', jsonb_build_object('name', t.name, 'actor', ${actor}::text) FROM t
    )
    SELECT id FROM t`.execute(db);
  return rows.length > 0;
}

/** The live, unexpired token with this digest (an index lookup on the unique digest). */
export async function findLiveToken(db: Db, digest: Buffer): Promise<(StoredTokenRow & { isStale: boolean }) | undefined> {
  const { rows } = await sql<StoredTokenRow & { isStale: boolean }>`
    SELECT id, name, scopes, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt",
           revoked_at AS "revokedAt", last_used_at AS "lastUsedAt",
             owner, owner_label AS "ownerLabel",
           (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes') AS "isStale"
      FROM api_tokens
     WHERE digest = ${digest} AND revoked_at IS NULL AND expires_at > now()`.execute(db);
  return rows[0];
}

/** Records use at most every few minutes per token, so a busy token does not write on every request. */
export async function touchToken(db: Db, id: string): Promise<void> {
  await sql`UPDATE api_tokens SET last_used_at = now()
             WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes')`.execute(db);
}
