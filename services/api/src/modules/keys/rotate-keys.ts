import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import { idpBinding } from '../idps/idp-config';
import { credentialsBinding } from '../tenants/tenant-credentials';
import { tenantKeyBinding } from './tenant-keys';
import type { Keyring } from './keyring';

const BATCH = 200;

export interface RotationResult {
  rewrapped: number;
  remaining: number;
}

/**
 * Re-wraps every data key that is not under the active KEK. Runs while the service serves
 * traffic: each batch is its own short transaction holding row locks only on the rows it
 * re-wraps (SKIP LOCKED, so a reveal in flight is never blocked for long and two rotations can
 * run side by side). Payload ciphertext is untouched; only the small wrapped key changes.
 * Old kids must stay in VOUCHSAFE_KEYS until this reports remaining = 0. Help-desk tenant
 * credentials are envelopes too (AAD: tenant + 'tenant-credentials') and are re-wrapped the same way,
 * as are IdP connections (AAD: tenant + 'idp:<kind>') and per-tenant keys (AAD: tenant +
 * 'tenant-key:<purpose>'; the key itself is unchanged, so the requester keys it derives survive).
 */
export async function rotateKeys(db: Db, keyring: Keyring, onProgress?: (done: number) => void): Promise<RotationResult> {
  let rewrapped = 0;
  rewrapped += await rewrapInBatches(db, onProgress, (trx) => rewrapPayloads(trx, keyring));
  rewrapped += await rewrapInBatches(
    db,
    (n) => onProgress?.(rewrapped + n),
    (trx) => rewrapTenantCredentials(trx, keyring),
  );
  rewrapped += await rewrapInBatches(
    db,
    (n) => onProgress?.(rewrapped + n),
    (trx) => rewrapIdpCredentials(trx, keyring),
  );
  rewrapped += await rewrapInBatches(
    db,
    (n) => onProgress?.(rewrapped + n),
    (trx) => rewrapTenantKeys(trx, keyring),
  );
  const left = await db
    .selectFrom('secret_payloads')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kid', '<>', keyring.activeKid)
    .executeTakeFirstOrThrow();
  const tenantsLeft = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('credentials_kid', '<>', keyring.activeKid)
    .executeTakeFirstOrThrow();
  const idpsLeft = await db
    .selectFrom('tenant_idps')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('credentials_kid', '<>', keyring.activeKid)
    .executeTakeFirstOrThrow();
  const tenantKeysLeft = await db
    .selectFrom('tenant_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kid', '<>', keyring.activeKid)
    .executeTakeFirstOrThrow();
  return { rewrapped, remaining: Number(left.n) + Number(tenantsLeft.n) + Number(idpsLeft.n) + Number(tenantKeysLeft.n) };
}

/**
 * The one re-wrap loop: runs `batch` in its own transaction until it handles fewer than BATCH
 * rows, reporting the running total after every non-empty batch. `batch` locks (SKIP LOCKED) at
 * most BATCH rows not under the active KEK, re-wraps them and returns how many it locked.
 */
async function rewrapInBatches(
  db: Db,
  onProgress: ((done: number) => void) | undefined,
  batch: (trx: Tx) => Promise<number>,
): Promise<number> {
  let rewrapped = 0;
  for (;;) {
    const n = await db.transaction().execute(batch);
    rewrapped += n;
    if (n > 0) onProgress?.(rewrapped);
    if (n < BATCH) break;
  }
  return rewrapped;
}

async function rewrapPayloads(trx: Tx, keyring: Keyring): Promise<number> {
  const rows = await trx
    .selectFrom('secret_payloads')
    .select(['tenant_id', 'secret_id', 'format', 'kid', 'wrapped_key'])
    .where('kid', '<>', keyring.activeKid)
    .limit(BATCH)
    .forUpdate()
    .skipLocked()
    .execute();
  if (rows.length === 0) return 0;
  const tenants: string[] = [];
  const ids: string[] = [];
  const kids: string[] = [];
  const wrapped: Buffer[] = [];
  for (const r of rows) {
    const next = keyring.rewrap(
      { format: r.format, kid: r.kid, wrappedKey: r.wrapped_key },
      { tenantId: r.tenant_id, secretId: r.secret_id },
    );
    tenants.push(r.tenant_id);
    ids.push(r.secret_id);
    kids.push(next.kid);
    wrapped.push(next.wrappedKey);
  }
  await sql`
    UPDATE secret_payloads p SET kid = v.kid, wrapped_key = v.wrapped_key
      FROM unnest(${tenants}::uuid[], ${ids}::text[], ${kids}::text[], ${wrapped}::bytea[])
           AS v(tenant_id, secret_id, kid, wrapped_key)
     WHERE p.tenant_id = v.tenant_id AND p.secret_id = v.secret_id`.execute(trx);
  return rows.length;
}

async function rewrapTenantCredentials(trx: Tx, keyring: Keyring): Promise<number> {
  const rows = await trx
    .selectFrom('tenants')
    .select(['id', 'credentials_format', 'credentials_kid', 'credentials_wrapped_key'])
    .where('credentials_kid', '<>', keyring.activeKid)
    .limit(BATCH)
    .forUpdate()
    .skipLocked()
    .execute();
  for (const r of rows) {
    if (r.credentials_format === null || r.credentials_kid === null || r.credentials_wrapped_key === null) continue;
    const next = keyring.rewrap(
      { format: r.credentials_format, kid: r.credentials_kid, wrappedKey: r.credentials_wrapped_key },
      credentialsBinding(r.id),
    );
    await trx
      .updateTable('tenants')
      .set({ credentials_kid: next.kid, credentials_wrapped_key: next.wrappedKey })
      .where('id', '=', r.id)
      .execute();
  }
  return rows.length;
}

async function rewrapIdpCredentials(trx: Tx, keyring: Keyring): Promise<number> {
  const rows = await trx
    .selectFrom('tenant_idps')
    .select(['tenant_id', 'kind', 'credentials_format', 'credentials_kid', 'credentials_wrapped_key'])
    .where('credentials_kid', '<>', keyring.activeKid)
    .limit(BATCH)
    .forUpdate()
    .skipLocked()
    .execute();
  for (const r of rows) {
    const next = keyring.rewrap(
      { format: r.credentials_format, kid: r.credentials_kid, wrappedKey: r.credentials_wrapped_key },
      idpBinding(r.tenant_id, r.kind),
    );
    await trx
      .updateTable('tenant_idps')
      .set({ credentials_kid: next.kid, credentials_wrapped_key: next.wrappedKey })
      .where('tenant_id', '=', r.tenant_id)
      .where('kind', '=', r.kind)
      .execute();
  }
  return rows.length;
}

async function rewrapTenantKeys(trx: Tx, keyring: Keyring): Promise<number> {
  const rows = await trx
    .selectFrom('tenant_keys')
    .select(['tenant_id', 'purpose', 'format', 'kid', 'wrapped_key'])
    .where('kid', '<>', keyring.activeKid)
    .limit(BATCH)
    .forUpdate()
    .skipLocked()
    .execute();
  for (const r of rows) {
    const next = keyring.rewrap({ format: r.format, kid: r.kid, wrappedKey: r.wrapped_key }, tenantKeyBinding(r.tenant_id, r.purpose));
    await trx
      .updateTable('tenant_keys')
      .set({ kid: next.kid, wrapped_key: next.wrappedKey })
      .where('tenant_id', '=', r.tenant_id)
      .where('purpose', '=', r.purpose)
      .execute();
  }
  return rows.length;
}
