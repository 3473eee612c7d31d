import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database';
import type { Keyring, PayloadBinding } from './keyring';

/**
 * Per-tenant keys that are not key-encryption keys: 32 random bytes each, generated on first use,
 * stored sealed under the keyring (AAD: tenant + `tenant-key:<purpose>`) and re-wrapped by
 * `keys rotate` like every other envelope. What they derive therefore survives a KEK rotation —
 * unlike values derived from the KEKs themselves, which died with the old KEK (see NOTES.md).
 * Opened keys are cached per process: they never change once created.
 */

export type TenantKeyPurpose = 'requester-key' | 'link-phrase';

export const tenantKeyBinding = (tenantId: string, purpose: TenantKeyPurpose): PayloadBinding => ({
  tenantId,
  secretId: `tenant-key:${purpose}`,
});

export interface TenantKeys {
  get(tenantId: string, purpose: TenantKeyPurpose): Promise<Buffer>;
}

export function createTenantKeys(db: Db, keyring: Keyring): TenantKeys {
  const cache = new Map<string, Promise<Buffer>>();

  const select = (tenantId: string, purpose: TenantKeyPurpose) =>
    db
      .selectFrom('tenant_keys')
      .select(['format', 'kid', 'wrapped_key', 'ciphertext'])
      .where('tenant_id', '=', tenantId)
      .where('purpose', '=', purpose)
      .executeTakeFirst();

  async function load(tenantId: string, purpose: TenantKeyPurpose): Promise<Buffer> {
    const binding = tenantKeyBinding(tenantId, purpose);
    let row = await select(tenantId, purpose);
    if (!row) {
      const fresh = randomBytes(32);
      const sealed = keyring.seal(fresh, binding);
      fresh.fill(0);
      // Two processes may race to create it: one insert wins and both read the winner back.
      await db
        .insertInto('tenant_keys')
        .values({
          tenant_id: tenantId,
          purpose,
          format: sealed.format,
          kid: sealed.kid,
          wrapped_key: sealed.wrappedKey,
          ciphertext: sealed.ciphertext,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'purpose']).doNothing())
        .execute();
      row = await select(tenantId, purpose);
      if (!row) throw new Error('tenant key could not be stored');
    }
    return keyring.open({ format: row.format, kid: row.kid, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext }, binding);
  }

  return {
    get(tenantId, purpose) {
      const cacheKey = `${tenantId}:${purpose}`;
      let key = cache.get(cacheKey);
      if (!key) {
        key = load(tenantId, purpose);
        cache.set(cacheKey, key);
        key.catch(() => cache.delete(cacheKey));
      }
      return key;
    },
  };
}
