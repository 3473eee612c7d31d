import type { IdpConfig, IdpKind } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import type { ProviderOptions } from '../../providers/descriptor';
import type { VerificationProvider } from '../../providers/provider.types';
import { BUILT_IN_CONSTRUCTORS, type ProviderConstructors } from '../../providers/registry';
import type { Keyring } from '../keys/keyring';
import { openIdpConfig } from './idp-config';
import { findIdp, listIdps } from './idps.repository';

/**
 * Builds a tenant's providers from its sealed IdP connections with each kind's constructor from the
 * descriptor registry (providers/registry.ts); the composition root may pass other constructors (`constructors`, e.g. tests' scripted
 * providers) — as data, never by changing a global.
 */

export type { ProviderConstructor, ProviderOptions } from '../../providers/descriptor';
export type { ProviderConstructors } from '../../providers/registry';

function construct<K extends IdpKind>(
  config: Extract<IdpConfig, { kind: K }>,
  opts: ProviderOptions,
  constructors: Partial<ProviderConstructors>,
): VerificationProvider | undefined {
  const ctor = constructors[config.kind];
  return ctor?.(config, opts);
}

export interface CreateProvidersOptions extends ProviderOptions {
  /** Overrides of the registry (tests). */
  constructors?: Partial<ProviderConstructors>;
}

/** The provider of one kind for this tenant, or undefined when not configured or not built in. */
export async function createProvider(
  db: Db,
  keyring: Keyring,
  tenantId: string,
  kind: IdpKind,
  opts: CreateProvidersOptions,
): Promise<VerificationProvider | undefined> {
  const row = await findIdp(db, tenantId, kind);
  if (!row) return undefined;
  const { constructors, ...providerOpts } = opts;
  return construct(openIdpConfig(keyring, tenantId, kind, row.sealed), providerOpts, { ...BUILT_IN_CONSTRUCTORS, ...constructors });
}

/** Every provider the tenant's connections make possible, keyed by IdP kind. */
export async function createProviders(
  db: Db,
  keyring: Keyring,
  tenantId: string,
  opts: CreateProvidersOptions,
): Promise<Map<IdpKind, VerificationProvider>> {
  const out = new Map<IdpKind, VerificationProvider>();
  for (const { kind } of await listIdps(db, tenantId)) {
    const provider = await createProvider(db, keyring, tenantId, kind, opts);
    if (provider) out.set(kind, provider);
  }
  return out;
}
