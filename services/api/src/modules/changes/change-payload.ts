import type { Keyring, PayloadBinding, SealedPayload } from '../keys/keyring';

/**
 * A pending change's payload (the policy or IdP config it would apply) is sealed like an IdP connection: an IdP config
 * carries client secrets and API tokens, which must never rest in clear. AAD binds the tenant and `change:<id>`, so a
 * payload copied onto another change or tenant fails to open. Never logs.
 */
export const changeBinding = (tenantId: string, changeId: string): PayloadBinding => ({ tenantId, secretId: `change:${changeId}` });

export function sealChangePayload(keyring: Keyring, tenantId: string, changeId: string, payload: unknown): SealedPayload {
  return keyring.seal(Buffer.from(JSON.stringify(payload), 'utf8'), changeBinding(tenantId, changeId));
}

export function openChangePayload(keyring: Keyring, tenantId: string, changeId: string, sealed: SealedPayload): unknown {
  const plain = keyring.open(sealed, changeBinding(tenantId, changeId));
  try {
    return JSON.parse(plain.toString('utf8')) as unknown;
  } finally {
    plain.fill(0);
  }
}
