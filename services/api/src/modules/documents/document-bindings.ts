import type { PayloadBinding } from '../keys/keyring';

/** Keyring AAD of one stored chunk: tenant + file + index (a chunk moved to another row fails to open). -1 is the name. */
export const chunkBinding = (tenantId: string, fileId: string, idx: number): PayloadBinding => ({
  tenantId,
  secretId: `document:${fileId}:${idx}`,
});

/** Keyring AAD of a request's sealed private key (itself sealed under the desk-held review key). */
export const requestKeyBinding = (tenantId: string, requestId: string): PayloadBinding => ({
  tenantId,
  secretId: `document-key:${requestId}`,
});
