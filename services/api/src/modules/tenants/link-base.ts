/**
 * Where a tenant's secret links point: the default tenant keeps the short `/s/:id` links, every
 * help-desk tenant gets `/t/:slug/s/:id` so the portal reveals against that tenant's API prefix.
 * The UI builds the full link with buildSecretLink(linkBase, id, key).
 */
export function linkBaseFor(publicUrl: string, tenantSlug: string, isDefault: boolean): string {
  const base = publicUrl.replace(/\/+$/, '');
  return isDefault ? base : `${base}/t/${encodeURIComponent(tenantSlug)}`;
}
