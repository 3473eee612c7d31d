import type { TenantCreateRequest, TenantSummary } from '@vouchsafe/contracts';

export interface RegisterTenantsOptions {
  /** The API's base URL, e.g. http://localhost:8080 */
  apiUrl: string;
  /** An admin API token (Bearer). */
  apiToken: string;
  /** The tenant bodies the desk stand-ins hand out (`tenants(baseUrl)`). */
  tenants: readonly TenantCreateRequest[];
  /**
   * What to do when the desk account is already registered: 'keep' that tenant (the stand-in keys are persistent,
   * so it still verifies them) or 'replace' it (remove it, then add the new one: the stand-in made new keys).
   */
  onConflict?: 'keep' | 'replace';
}

export interface RegisteredTenant {
  slug: string;
  desk: TenantCreateRequest['desk'];
  outcome: 'created' | 'kept' | 'replaced';
}

/** Removed tenants keep their slug, so a replacement takes the next free `<slug>-<n>`. */
const MAX_SLUG_TRIES = 50;

const accountOf = (t: TenantCreateRequest): string =>
  t.desk === 'zendesk' ? t.subdomain : t.desk === 'servicenow' ? t.instance : t.cloudId;

async function describe(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  // The API's error body names a code and a message; never echo the request (it holds credentials).
  return `${res.status} ${text.slice(0, 300)}`;
}

/**
 * Registers each stand-in desk account as a tenant of the API (`/api/v1/admin/tenants`). An account that is
 * already registered is kept or replaced as `onConflict` says (default 'replace').
 */
export async function registerTenants(opts: RegisterTenantsOptions): Promise<RegisteredTenant[]> {
  const base = opts.apiUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${opts.apiToken}` };
  const listed = await fetch(`${base}/api/v1/admin/tenants`, { headers: auth });
  if (listed.status !== 200) throw new Error(`registerTenants: listing tenants answered ${await describe(listed)}`);
  const active = ((await listed.json()) as { tenants: TenantSummary[] }).tenants;

  const done: RegisteredTenant[] = [];
  for (const tenant of opts.tenants) {
    const existing = active.find((t) => t.desk === tenant.desk && t.account === accountOf(tenant));
    let outcome: RegisteredTenant['outcome'] = 'created';
    if (existing) {
      if ((opts.onConflict ?? 'replace') === 'keep') {
        done.push({ slug: existing.slug, desk: tenant.desk, outcome: 'kept' });
        continue;
      }
      const removed = await fetch(`${base}/api/v1/admin/tenants/${encodeURIComponent(existing.slug)}`, { method: 'DELETE', headers: auth });
      if (removed.status !== 204) throw new Error(`registerTenants: removing tenant ${existing.slug} answered ${await describe(removed)}`);
      outcome = 'replaced';
    }
    let slug = tenant.slug;
    for (let n = 2; ; n++) {
      const res = await fetch(`${base}/api/v1/admin/tenants`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ ...tenant, slug }),
      });
      if (res.status === 201) {
        await res.body?.cancel();
        break;
      }
      if (res.status !== 409 || n > MAX_SLUG_TRIES) {
        throw new Error(`registerTenants: adding tenant ${slug} answered ${await describe(res)}`);
      }
      await res.body?.cancel();
      slug = `${tenant.slug}-${n}`;
    }
    done.push({ slug, desk: tenant.desk, outcome });
  }
  return done;
}
