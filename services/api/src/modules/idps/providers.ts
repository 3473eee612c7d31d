import type { IdpConfig, IdpKind, VerificationPolicy } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import type { Outbound } from '../../lib/outbound';
import { createDuoProvider } from '../../providers/duo';
import { createOidcProvider } from '../../providers/oidc';
import { createOktaProvider } from '../../providers/okta';
import type { VerificationProvider } from '../../providers/provider.types';
import { createTwilioProvider } from '../../providers/twilio';
import type { Keyring } from '../keys/keyring';
import { openIdpConfig } from './idp-config';
import { findIdp, listIdps } from './idps.repository';

/**
 * Builds a tenant's providers from its sealed IdP connections. Each provider package exports one
 * constructor `(config, { timeoutMs, outbound, policy? }) => VerificationProvider`, looked up in a registry
 * of the built-in kinds; the composition root may pass other constructors (`constructors`, e.g. tests' scripted
 * providers) — as data, never by changing a global.
 */

export interface ProviderOptions {
  timeoutMs: number;
  policy?: VerificationPolicy;
  /** The one outbound-connection guard (S12); Duo's SDKs have no hook and rely on its host rule (providers/duo/NOTES.md). */
  outbound: Outbound;
}

export type ProviderConstructor<K extends IdpKind> = (config: Extract<IdpConfig, { kind: K }>, opts: ProviderOptions) => VerificationProvider;
export type ProviderConstructors = { [K in IdpKind]: ProviderConstructor<K> };

const registry: Partial<ProviderConstructors> = {
  okta: createOktaProvider,
  duo: createDuoProvider,
  oidc: createOidcProvider,
  twilio: createTwilioProvider,
};

function construct<K extends IdpKind>(config: Extract<IdpConfig, { kind: K }>, opts: ProviderOptions, constructors: Partial<ProviderConstructors>): VerificationProvider | undefined {
  const ctor = constructors[config.kind as K] as ProviderConstructor<K> | undefined;
  return ctor?.(config, opts);
}

export interface CreateProvidersOptions extends ProviderOptions {
  /** Overrides of the registry (tests). */
  constructors?: Partial<ProviderConstructors>;
}

/** The provider of one kind for this tenant, or undefined when not configured or not built in. */
export async function createProvider(db: Db, keyring: Keyring, tenantId: string, kind: IdpKind, opts: CreateProvidersOptions): Promise<VerificationProvider | undefined> {
  const row = await findIdp(db, tenantId, kind);
  if (!row) return undefined;
  const { constructors, ...providerOpts } = opts;
  return construct(openIdpConfig(keyring, tenantId, kind, row.sealed), providerOpts, { ...registry, ...constructors });
}

/** Every provider the tenant's connections make possible, keyed by IdP kind. */
export async function createProviders(db: Db, keyring: Keyring, tenantId: string, opts: CreateProvidersOptions): Promise<Map<IdpKind, VerificationProvider>> {
  const out = new Map<IdpKind, VerificationProvider>();
  for (const { kind } of await listIdps(db, tenantId)) {
    const provider = await createProvider(db, keyring, tenantId, kind, opts);
    if (provider) out.set(kind, provider);
  }
  return out;
}
