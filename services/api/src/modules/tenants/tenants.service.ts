import { randomUUID } from 'node:crypto';
import type { Desk, TenantCreateRequest, TenantSummary } from '@vouchsafe/contracts';
import { DEFAULT_TENANT_ID, DESK_LABELS } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import type { DeskTenant } from '../../helpdesks/helpdesk.types';
import { DESK_DESCRIPTORS, registrationOf } from '../../helpdesks/registry';
import { stripSlash } from '../../helpdesks/descriptor';
import type { RegistrationOutbound } from '../../providers/descriptor';
import type { Keyring } from '../keys/keyring';
import { openCredentials, sealCredentials } from './tenant-credentials';
import * as repo from './tenants.repository';

export interface TenantsDeps {
  db: Db;
  keyring: Keyring;
  /** The outbound rules (S12) every desk URL must pass at registration; connectors check again at connect time. */
  outbound: RegistrationOutbound;
  /** Called after a tenant was added or removed (cached desk origins forget their answer). */
  onChanged?: () => void;
}

/** Where the connector calls the desk when the tenant has no override. */
export const defaultApiBaseUrl = (desk: Desk, account: string, verification: Record<string, unknown>): string =>
  DESK_DESCRIPTORS[desk].defaultApiBaseUrl(account, verification);

/**
 * Every URL Vouchsafe will connect to for this desk (S12) and every key it will verify tokens with (item 12c), checked
 * by the desk's descriptor before anything is stored: 422 naming each field.
 */
async function refuseUnsafe(req: TenantCreateRequest, outbound: TenantsDeps['outbound']): Promise<void> {
  const issues = await registrationOf(req).issues(outbound);
  if (issues.length > 0) {
    throw new AppError('validation_failed', `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, {
      issues,
    });
  }
}

export function toSummary(row: repo.TenantRow): TenantSummary {
  return { id: row.id, slug: row.slug, name: row.name, desk: row.desk, account: row.account, createdAt: row.createdAt.toISOString() };
}

export function createTenantsService(deps: TenantsDeps) {
  const { db, keyring } = deps;

  /** `actor`: who adds it (`api-token:<name>`), recorded in the `tenant.added` event. */
  async function add(req: TenantCreateRequest, actor: string): Promise<TenantSummary> {
    await refuseUnsafe(req, deps.outbound);
    const id = randomUUID();
    const { account, verification } = registrationOf(req);
    const apiBaseUrl = req.apiBaseUrl ? stripSlash(req.apiBaseUrl) : null;
    try {
      const createdAt = await repo.insertTenant(
        db,
        {
          id,
          slug: req.slug,
          name: req.name,
          desk: req.desk,
          account,
          verification,
          apiBaseUrl,
          credentials: sealCredentials(keyring, id, req.credentials),
        },
        { slug: req.slug, desk: req.desk, account, apiBaseUrlOverride: apiBaseUrl !== null, outcome: 'ok', actor },
      );
      deps.onChanged?.();
      return { id, slug: req.slug, name: req.name, desk: req.desk, account, createdAt: createdAt.toISOString() };
    } catch (err) {
      if (err instanceof repo.TenantConflictError) {
        throw new AppError(
          'conflict',
          err.on === 'slug'
            ? `The slug "${req.slug}" is already used by another tenant (removed tenants keep theirs).`
            : `This ${DESK_LABELS[req.desk]} account already has a tenant.`,
        );
      }
      throw err;
    }
  }

  async function list(): Promise<TenantSummary[]> {
    return (await repo.listActive(db)).map(toSummary);
  }

  async function remove(slug: string, actor: string): Promise<void> {
    if (!(await repo.softDelete(db, slug, actor))) throw new AppError('not_found', `There is no help-desk tenant "${slug}".`);
    deps.onChanged?.();
  }

  function toDeskTenant(row: repo.TenantRow): DeskTenant | undefined {
    if (!row.desk || !row.account || !row.credentials) return undefined;
    const verification: Record<string, string> = {};
    for (const [k, v] of Object.entries(row.verification)) if (typeof v === 'string') verification[k] = v;
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      desk: row.desk,
      account: row.account,
      apiBaseUrl: row.apiBaseUrl ?? defaultApiBaseUrl(row.desk, row.account, row.verification),
      verification,
      credentials: openCredentials(keyring, row.id, row.credentials),
    };
  }

  /** An active help-desk tenant with its credentials opened; undefined if unknown, removed or not a desk tenant. */
  async function loadDeskTenant(by: { id: string } | { desk: Desk; account: string }): Promise<DeskTenant | undefined> {
    const row = 'id' in by ? await repo.findActiveById(db, by.id) : await repo.findActiveByAccount(db, by.desk, by.account);
    if (!row || ('desk' in by && row.desk !== by.desk)) return undefined;
    return toDeskTenant(row);
  }

  /** Zendesk tenants whose installation id matches (the session code then checks the full aud). */
  async function zendeskByInstallation(installationId: string): Promise<DeskTenant[]> {
    const rows = await repo.findActiveByVerification(db, 'zendesk', 'installationId', installationId);
    return rows.map(toDeskTenant).filter((t): t is DeskTenant => t !== undefined);
  }

  /** Public routing: the tenant a `/t/:slug` path names, or undefined. */
  async function resolveSlug(slug: string): Promise<{ id: string; slug: string; isDefault: boolean } | undefined> {
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)) return undefined;
    const row = await repo.findActiveBySlug(db, slug);
    return row && { id: row.id, slug: row.slug, isDefault: row.id === DEFAULT_TENANT_ID };
  }

  async function isActive(id: string): Promise<boolean> {
    return (await repo.findActiveById(db, id)) !== undefined;
  }

  return { add, list, remove, loadDeskTenant, zendeskByInstallation, resolveSlug, isActive };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
