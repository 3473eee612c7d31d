import { DEFAULT_TENANT_ID, type IdpConfig, type IdpKind, type VerificationMethod } from '@vouchsafe/contracts';
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

/**
 * The help-desk or chat-workspace tenant an admin path names (issue 13: a Slack workspace's tenant has no desk but
 * its own IdPs and policy); removed, unknown and the default tenant answer 404.
 */
export async function adminTenantBySlug(db: Db, slug: string): Promise<{ id: string; slug: string }> {
  const row = /^[a-z0-9][a-z0-9-]{1,39}$/.test(slug) ? await findActiveBySlug(db, slug) : undefined;
  if (!row || row.id === DEFAULT_TENANT_ID) throw new AppError('not_found', `There is no help-desk tenant "${slug.slice(0, 40)}".`);
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

export const noConnection = (slug: string, kind: IdpKind) => new AppError('not_found', `Tenant "${slug}" has no ${kind} connection.`);

export function createIdpsService(deps: IdpsDeps) {
  const { db, keyring } = deps;

  /** The connection as PUT checks it: its kind's registration rules (S12; 422 naming each field), then the tenant (404). */
  async function prepare(slug: string, config: IdpConfig): Promise<{ tenant: { id: string; slug: string } }> {
    const descriptor = descriptorOf(config);
    const issues = await descriptor.registrationIssues(config, deps.outbound);
    if (issues.length > 0) {
      throw new AppError('validation_failed', `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, {
        issues,
      });
    }
    return { tenant: await adminTenantBySlug(db, slug) };
  }

  /** The row to store: sealed with the keyring (which may be an HSM: never inside a transaction). */
  function seal(tenantId: string, config: IdpConfig) {
    const descriptor = descriptorOf(config);
    const settings = descriptor.publicSettings(config);
    return {
      row: { tenantId, kind: config.kind, settings, sealed: sealIdpConfig(keyring, tenantId, config) },
      event: { kind: config.kind, host: descriptor.auditHost(config), ...(config.kind === 'okta' ? { auth: settings.auth } : {}) },
    };
  }

  /** Writes a sealed row with its `idp.configured` event; `executor` may be the approving transaction (changes). */
  function store(executor: Db, sealed: ReturnType<typeof seal>, actor: string, extra: Record<string, unknown> = {}) {
    return repo.upsertIdp(executor, sealed.row, { ...sealed.event, actor, ...extra });
  }

  /** Connects at once (single_admin mode). `actor`: who connects it, recorded in the `idp.configured` event. */
  async function set(
    slug: string,
    config: IdpConfig,
    actor: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ isReplacement: boolean }> {
    const { tenant } = await prepare(slug, config);
    return store(db, seal(tenant.id, config), actor, extra);
  }

  async function list(slug: string): Promise<IdpSummary[]> {
    const tenant = await adminTenantBySlug(db, slug);
    return (await repo.listIdps(db, tenant.id)).map((r) => ({
      kind: r.kind,
      settings: r.settings as IdpSettings,
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  async function remove(slug: string, kind: IdpKind, actor: string, extra: Record<string, unknown> = {}): Promise<void> {
    const tenant = await adminTenantBySlug(db, slug);
    if (!(await repo.deleteIdp(db, tenant.id, kind, { actor, ...extra }))) throw noConnection(tenant.slug, kind);
  }

  return { set, list, remove, prepare, seal, store };
}

export type IdpsService = ReturnType<typeof createIdpsService>;
