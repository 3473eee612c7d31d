import type { Desk } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import type { Logger } from '../../logger';

/**
 * The browser origins of the registered help-desk accounts, for the two places a desk's page talks to
 * us from a browser: the sidebar pages' CSP `frame-ancestors` (Zendesk, ServiceNow) and CORS for the
 * sidebar API (Jira: Forge `requestRemote`). Derived from the tenants table, so a new account works
 * without touching configuration and an unregistered one is not trusted:
 *
 * - Zendesk: `https://{subdomain}.zendesk.com`, the agent interface (a host-mapped custom domain
 *   serves the Help Center, not the agent interface: UNCONFIRMED; operators can add origins).
 * - ServiceNow: `https://{instance}.service-now.com` (other domains, e.g. servicenowservices.com,
 *   come from operator configuration).
 * - Zendesk and ServiceNow tenants with an `apiBaseUrl` override (development and the demo desk
 *   only) add that URL's origin too: there the stand-in serves both the agent page and the API.
 * - Jira: the origin of the tenant's `siteUrl` (`https://acme.atlassian.net`).
 *
 * One query loads all of them; the answer is cached for `ttlMs` (30 s) per process and refreshed in
 * the background once stale, so a registration or removal in another process takes effect within
 * that time (in this process at once: tenants add/remove call `invalidate`). If the database cannot
 * be read, the last answer stays in use; before any answer there are no registered origins (only
 * the operator's configured ones apply: fail closed).
 */

export interface DeskOrigins {
  /** The origins of `desk`'s registered, active accounts. */
  of(desk: Desk): Promise<readonly string[]>;
  /** Forget the cached answer (a tenant was added or removed in this process). */
  invalidate(): void;
}

type Snapshot = Record<Desk, readonly string[]>;
const EMPTY: Snapshot = { zendesk: [], servicenow: [], jira: [] };
const ACCOUNT = /^[a-z0-9][a-z0-9-]{0,62}$/;

function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

interface Row {
  desk: Desk | null;
  desk_account: string | null;
  api_base_url: string | null;
  verification: Record<string, unknown>;
}

export function originsOf(rows: readonly Row[]): Snapshot {
  const out: Record<Desk, Set<string>> = { zendesk: new Set(), servicenow: new Set(), jira: new Set() };
  for (const r of rows) {
    if (!r.desk || !r.desk_account) continue;
    const add = (origin: string | undefined) => origin && out[r.desk!].add(origin);
    if (r.desk === 'zendesk' && ACCOUNT.test(r.desk_account)) add(`https://${r.desk_account}.zendesk.com`);
    if (r.desk === 'servicenow' && ACCOUNT.test(r.desk_account)) add(`https://${r.desk_account}.service-now.com`);
    if (r.desk === 'jira') add(originOf(r.verification.siteUrl));
    else add(originOf(r.api_base_url));
  }
  return { zendesk: [...out.zendesk].sort(), servicenow: [...out.servicenow].sort(), jira: [...out.jira].sort() };
}

export function createDeskOrigins(deps: { db: Db; logger: Logger; ttlMs?: number; now?: () => number }): DeskOrigins {
  const ttlMs = deps.ttlMs ?? 30_000;
  const now = deps.now ?? Date.now;
  let snapshot: Snapshot = EMPTY;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  let generation = 0;

  function refresh(): Promise<void> {
    if (loading) return loading;
    const started = generation;
    loading = (async () => {
      try {
        const rows = await deps.db
          .selectFrom('tenants')
          .select(['desk', 'desk_account', 'api_base_url', 'verification'])
          .where('deleted_at', 'is', null)
          .where('desk', 'is not', null)
          .execute();
        // An invalidate() while this query ran means it may predate the change: keep it stale.
        snapshot = originsOf(rows);
        loadedAt = started === generation ? now() : Number.NEGATIVE_INFINITY;
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message }, 'desk origins: cannot read tenants; keeping the last answer');
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  }

  return {
    async of(desk) {
      if (loadedAt === Number.NEGATIVE_INFINITY) {
        // Never loaded, or invalidated: wait for a fresh answer (a query already running may predate
        // the change, so wait for one more; a database that cannot answer ends the loop).
        for (let i = 0; i < 2 && loadedAt === Number.NEGATIVE_INFINITY; i++) await refresh();
      } else if (now() - loadedAt >= ttlMs) {
        void refresh(); // stale: answer now, refresh behind
      }
      return snapshot[desk];
    },
    invalidate() {
      generation += 1;
      loadedAt = Number.NEGATIVE_INFINITY;
    },
  };
}
