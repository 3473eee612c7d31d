import { IdpConfigSchema, type IdpConfig, type IdpKind } from '@vouchsafe/contracts';
import type { Keyring, PayloadBinding, SealedPayload } from '../keys/keyring';

/**
 * IdP connections are envelopes like desk credentials: the whole validated config is sealed with
 * AAD binding the tenant id and `idp:<kind>`, so a blob copied to another tenant or kind fails to
 * open. `settings` is the public part (hosts, client ids, flavour) kept in clear for listings; it
 * is never read back to build a provider.
 */

export const idpBinding = (tenantId: string, kind: IdpKind): PayloadBinding => ({ tenantId, secretId: `idp:${kind}` });

export function sealIdpConfig(keyring: Keyring, tenantId: string, config: IdpConfig): SealedPayload {
  return keyring.seal(Buffer.from(JSON.stringify(config), 'utf8'), idpBinding(tenantId, config.kind));
}

export function openIdpConfig<K extends IdpKind>(
  keyring: Keyring,
  tenantId: string,
  kind: K,
  sealed: SealedPayload,
): Extract<IdpConfig, { kind: K }> {
  const plain = keyring.open(sealed, idpBinding(tenantId, kind));
  try {
    const config = IdpConfigSchema.parse(JSON.parse(plain.toString('utf8')));
    if (config.kind !== kind) throw new Error('sealed IdP config names another kind');
    return config as Extract<IdpConfig, { kind: K }>;
  } finally {
    plain.fill(0);
  }
}
