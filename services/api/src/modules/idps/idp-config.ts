import { IdpConfigSchema, type IdpConfig, type IdpKind, type VerificationMethod } from '@vouchsafe/contracts';
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

export function openIdpConfig<K extends IdpKind>(keyring: Keyring, tenantId: string, kind: K, sealed: SealedPayload): Extract<IdpConfig, { kind: K }> {
  const plain = keyring.open(sealed, idpBinding(tenantId, kind));
  try {
    const config = IdpConfigSchema.parse(JSON.parse(plain.toString('utf8')));
    if (config.kind !== kind) throw new Error('sealed IdP config names another kind');
    return config as Extract<IdpConfig, { kind: K }>;
  } finally {
    plain.fill(0);
  }
}

export type IdpSettings = Record<string, string | boolean | string[]>;

/** What an admin may see again: no token, key, secret or private key. */
export function publicSettings(config: IdpConfig): IdpSettings {
  switch (config.kind) {
    case 'okta':
      return 'apiToken' in config.auth
        ? { orgUrl: config.orgUrl, auth: 'api_token' }
        : { orgUrl: config.orgUrl, auth: 'private_key', clientId: config.auth.clientId, scopes: config.auth.scopes, ...(config.auth.keyId ? { keyId: config.auth.keyId } : {}) };
    case 'duo':
      return {
        apiHost: config.apiHost,
        integrationKey: config.integrationKey,
        hasUniversalPrompt: config.universal !== undefined,
        ...(config.universal ? { universalClientId: config.universal.clientId } : {}),
      };
    case 'oidc':
      return {
        issuer: config.issuer,
        clientId: config.clientId,
        flavor: config.flavor,
        subjectClaim: config.subjectClaim,
        scopes: config.scopes,
        hasClientSecret: config.clientSecret !== undefined,
        // Stand-in overrides (development and tests only): URLs, never credentials.
        ...(config.graph?.baseUrl ? { graphBaseUrl: config.graph.baseUrl } : {}),
        ...(config.graph?.tokenUrl ? { graphTokenUrl: config.graph.tokenUrl } : {}),
      };
    case 'twilio':
      return { accountSid: config.accountSid, serviceSid: config.serviceSid, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}) };
  }
}

/** The methods a stored connection makes possible (Duo's link method needs its Universal Prompt app). */
export function methodsOfIdp(kind: IdpKind, settings: Record<string, unknown>): VerificationMethod[] {
  switch (kind) {
    case 'okta':
      return ['okta_push'];
    case 'duo':
      return settings.hasUniversalPrompt === true ? ['duo_push', 'duo_universal'] : ['duo_push'];
    case 'oidc':
      return ['oidc'];
    case 'twilio':
      return ['callback_sms', 'callback_voice'];
  }
}

/** The IdP a method needs. */
export const IDP_OF_METHOD: Readonly<Record<VerificationMethod, IdpKind>> = {
  okta_push: 'okta',
  duo_push: 'duo',
  duo_universal: 'duo',
  oidc: 'oidc',
  callback_sms: 'twilio',
  callback_voice: 'twilio',
};
