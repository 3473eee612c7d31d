import type { TenantCreateRequest } from '@vouchsafe/contracts';

export interface RegisterTenantsOptions {
  /** The API's base URL, e.g. http://localhost:8080 */
  apiUrl: string;
  /** An admin API token (Bearer). */
  apiToken: string;
  /** The tenant bodies the desk stand-ins hand out (`tenants(baseUrl)`). */
  tenants: readonly TenantCreateRequest[];
  /**
   * What to do when a tenant already exists (409): 'keep' it (the stand-in keys are persistent, so the old row
   * still verifies them) or 'replace' it (remove, then add again: the stand-in made new keys).
   */
  onConflict?: 'keep' | 'replace';
}

export interface RegisteredTenant {
  slug: string;
  desk: TenantCreateRequest['desk'];
  outcome: 'created' | 'kept' | 'replaced';
}

async function describe(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  // The API's error body names a code and a message; never echo the request (it holds credentials).
  return `${res.status} ${text.slice(0, 300)}`;
}

/** POSTs each tenant to /api/v1/admin/tenants; a 409 is handled as `onConflict` says. */
export async function registerTenants(opts: RegisterTenantsOptions): Promise<RegisteredTenant[]> {
  const base = opts.apiUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${opts.apiToken}`, 'content-type': 'application/json' };
  const add = (tenant: TenantCreateRequest) =>
    fetch(`${base}/api/v1/admin/tenants`, { method: 'POST', headers, body: JSON.stringify(tenant) });
  const done: RegisteredTenant[] = [];
  for (const tenant of opts.tenants) {
    let res = await add(tenant);
    let outcome: RegisteredTenant['outcome'] = 'created';
    if (res.status === 409) {
      await res.body?.cancel();
      if ((opts.onConflict ?? 'replace') === 'keep') {
        done.push({ slug: tenant.slug, desk: tenant.desk, outcome: 'kept' });
        continue;
      }
      const removed = await fetch(`${base}/api/v1/admin/tenants/${encodeURIComponent(tenant.slug)}`, {
        method: 'DELETE',
        headers: { authorization: headers.authorization },
      });
      if (removed.status !== 204 && removed.status !== 404) {
        throw new Error(`registerTenants: removing tenant ${tenant.slug} answered ${await describe(removed)}`);
      }
      await removed.body?.cancel();
      res = await add(tenant);
      outcome = 'replaced';
    }
    if (res.status !== 201) throw new Error(`registerTenants: adding tenant ${tenant.slug} answered ${await describe(res)}`);
    await res.body?.cancel();
    done.push({ slug: tenant.slug, desk: tenant.desk, outcome });
  }
  return done;
}
