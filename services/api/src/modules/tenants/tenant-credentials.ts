import { z } from 'zod';
import type { DeskTenant } from '../../helpdesks/helpdesk.types';
import type { Keyring, SealedPayload } from '../keys/keyring';

/**
 * Desk API credentials are envelope-encrypted exactly like secret payloads: a fresh data key per
 * tenant, wrapped by the active KEK, AAD binding the tenant id and the fixed name below, so a
 * credentials blob copied onto another tenant row (or into secret_payloads) fails to open.
 */
export const CREDENTIALS_BINDING_NAME = 'tenant-credentials';

export type DeskCredentials = DeskTenant['credentials'];

const CredentialsSchema = z.union([
  z.object({ email: z.string(), apiToken: z.string() }).strict(),
  z.object({ oauthToken: z.string() }).strict(),
  z.object({ username: z.string(), password: z.string() }).strict(),
]);

export const credentialsBinding = (tenantId: string) => ({ tenantId, secretId: CREDENTIALS_BINDING_NAME });

export function sealCredentials(keyring: Keyring, tenantId: string, credentials: DeskCredentials): SealedPayload {
  return keyring.seal(Buffer.from(JSON.stringify(credentials), 'utf8'), credentialsBinding(tenantId));
}

export function openCredentials(keyring: Keyring, tenantId: string, sealed: SealedPayload): DeskCredentials {
  const plain = keyring.open(sealed, credentialsBinding(tenantId));
  try {
    return CredentialsSchema.parse(JSON.parse(plain.toString('utf8')));
  } finally {
    plain.fill(0);
  }
}
