import type { IdpConfig, IdpKind, VerificationMethod } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import type { Outbound } from '../../lib/outbound';
import type { Keyring } from '../keys/keyring';
import { findActiveBySlug } from '../tenants/tenants.repository';
import { descriptorOf, IDP_DESCRIPTORS } from '../../providers/registry';
import type { IdpSettings } from '../../providers/descriptor';
import { openIdpConfig, sealIdpConfig } from './idp-config';
import * as repo from './idps.repository';

export interface IdpsDeps {
  db: Db;
  keyring: Keyring;
  /** The outbound rules (S12) every IdP URL must pass at registration; providers check again at connect time. */
  outbound: Pick<Outbound, 'registrationProblem' | 'policy'>;
}

export interface IdpSummary {
  kind: IdpKind;
  settings: IdpSettings;
  updatedAt: string;
}

/** The help-desk tenant an admin path names; removed, unknown and the default tenant answer 404. */
export async function adminTenantBySlug(db: Db, slug: string): Promise<{ id: string; slug: string }> {
  const row = /^[a-z0-9][a-z0-9-]{1,39}$/.test(slug) ? await findActiveBySlug(db, slug) : undefined;
  if (!row || row.desk === null) throw new AppError('not_found', `There is no help-desk tenant "${slug.slice(0, 40)}".`);
  return { id: row.id, slug: row.slug };
}

/** The tenant's connection of this kind, opened; undefined when none is configured. */
export async function loadIdpConfig<K extends IdpKind>(
  db: Db,
  keyring: Keyring,
  tenantId: string,
  kind: K,
): Promise<Extract<IdpConfig, { kind: K }> | undefined> {
  const row = await repo.findIdp(db, tenantId, kind);
  return row && openIdpConfig(keyring, tenantId, kind, row.sealed);
}

/** Methods the tenant's stored connections make possible, in VERIFICATION_METHODS order of their IdPs. */
export async function configuredMethods(db: Db, tenantId: string): Promise<VerificationMethod[]> {
  return (await repo.listIdps(db, tenantId)).flatMap((r) => IDP_DESCRIPTORS[r.kind].methodsOf(r.settings));
}

export function createIdpsService(deps: IdpsDeps) {
  const { db, keyring } = deps;

  /** `actor`: who connects it (`api-token:<name>`), recorded in the `idp.configured` event. */
  async function set(slug: string, config: IdpConfig, actor: string): Promise<{ isReplacement: boolean }> {
    // What the connection may point at (S12) and which keys it carries: its kind's own checks. 422 names each field.
    const descriptor = descriptorOf(config);
    const issues = await descriptor.registrationIssues(config, deps.outbound);
    if (issues.length > 0) {
      throw new AppError('validation_failed', `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, {
        issues,
      });
    }
    const tenant = await adminTenantBySlug(db, slug);
    const settings = descriptor.publicSettings(config);
    return repo.upsertIdp(
      db,
      { tenantId: tenant.id, kind: config.kind, settings, sealed: sealIdpConfig(keyring, tenant.id, config) },
      { kind: config.kind, host: descriptor.auditHost(config), ...(config.kind === 'okta' ? { auth: settings.auth } : {}), actor },
    );
  }

  async function list(slug: string): Promise<IdpSummary[]> {
    const tenant = await adminTenantBySlug(db, slug);
    return (await repo.listIdps(db, tenant.id)).map((r) => ({
      kind: r.kind,
      settings: r.settings as IdpSettings,
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  async function remove(slug: string, kind: IdpKind, actor: string): Promise<void> {
    const tenant = await adminTenantBySlug(db, slug);
    if (!(await repo.deleteIdp(db, tenant.id, kind, actor))) {
      throw new AppError('not_found', `Tenant "${tenant.slug}" has no ${kind} connection.`);
    }
  }

  return { set, list, remove };
}

export type IdpsService = ReturnType<typeof createIdpsService>;
