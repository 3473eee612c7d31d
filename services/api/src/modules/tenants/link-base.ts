import { API_PATHS, linkPath } from '@vouchsafe/contracts';

/**
 * Where a tenant's secret links point: the default tenant keeps the short `/s/:id` links, every
 * help-desk tenant gets `/t/:slug/s/:id` so the portal reveals against that tenant's API prefix.
 * The UI builds the full link with buildSecretLink(linkBase, id, key).
 */
export function linkBaseFor(publicUrl: string, tenantSlug: string, isDefault: boolean): string {
  const base = publicUrl.replace(/\/+$/, '');
  return isDefault ? base : `${base}/t/${encodeURIComponent(tenantSlug)}`;
}

/** The same rule for a path on this server: `/s/{id}` (default tenant, slug undefined) or `/t/{slug}/s/{id}`. */
export function secretPathFor(tenantSlug: string | undefined, id: string): string {
  return linkPath(id, tenantSlug);
}

/** Where a secret's public API lives: `/api/v1/secrets/{id}` or `/api/v1/t/{slug}/secrets/{id}`. */
export function secretApiPathFor(tenantSlug: string | undefined, id: string): string {
  return API_PATHS.secret(id, tenantSlug);
}
