import {
  OPERATOR_CSRF_HEADER,
  OPERATOR_PATHS,
  OperatorMeSchema,
  REVIEW_API_PATHS,
  ReviewSearchResultSchema,
  ReviewTenantSchema,
  ReviewTimelineSchema,
  type OperatorMe,
  type ReviewSearchQuery,
  type ReviewSearchResult,
  type ReviewTenant,
  type ReviewTimeline,
} from '@vouchsafe/contracts';
import { z } from 'zod';

/**
 * What the console needs from the server: who is signed in, sign-out, and the reviewer API (shapes in
 * packages/contracts/src/audit.ts). Components receive this interface; `createReviewApi` is the fetch implementation,
 * `testing/memory-review-api.ts` an in-memory one for specs. Calls never reject: they answer a result.
 */
export interface ReviewApi {
  me(): Promise<ApiResult<OperatorMe>>;
  signOut(csrfToken: string): Promise<ApiResult<void>>;
  tenants(): Promise<ApiResult<ReviewTenant[]>>;
  search(tenant: string, query: SearchInput): Promise<ApiResult<ReviewSearchResult>>;
  timeline(tenant: string, ticketId: string): Promise<ApiResult<ReviewTimeline>>;
}

/** The search form's fields; empty ones are left out of the query. */
export type SearchInput = Partial<Omit<ReviewSearchQuery, 'limit'>> & { limit?: number };

export type ApiFailure =
  /** No session, or it ended: sign in (again). */
  | { kind: 'signed-out' }
  /** Signed in, but without the auditor role (or this tenant is not yours). */
  | { kind: 'forbidden'; message: string }
  /** Operator sign-in is not configured on this server, or the reviewer API is not there. */
  | { kind: 'not-found'; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'unavailable' }
  | { kind: 'unexpected'; status: number };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

async function failureOf(res: Response): Promise<ApiFailure> {
  const body = ErrorBodySchema.safeParse(await res.json().catch(() => undefined));
  const message = body.success ? body.data.error.message : '';
  if (res.status === 401) return { kind: 'signed-out' };
  if (res.status === 403) return { kind: 'forbidden', message };
  if (res.status === 404) return { kind: 'not-found', message };
  if (res.status === 422 || res.status === 400) return { kind: 'invalid', message };
  if (res.status === 429 || res.status >= 502) return { kind: 'unavailable' };
  return { kind: 'unexpected', status: res.status };
}

/** Builds the query string of a search: only fields with a value. */
export function searchParams(query: SearchInput): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  return params;
}

export function createReviewApi(fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init)): ReviewApi {
  // Same origin, the session cookie, never cached, no referrer.
  const base: RequestInit = { credentials: 'same-origin', cache: 'no-store', referrerPolicy: 'no-referrer' };

  async function call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<ApiResult<T>> {
    let res: Response;
    try {
      res = await fetchImpl(path, { ...base, ...init, headers: { Accept: 'application/json', ...init.headers } });
    } catch {
      return { ok: false, failure: { kind: 'unavailable' } };
    }
    if (!res.ok) return { ok: false, failure: await failureOf(res) };
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: { kind: 'unexpected', status: res.status } };
  }

  return {
    me: () => call(OPERATOR_PATHS.me, OperatorMeSchema),
    async signOut(csrfToken) {
      try {
        const res = await fetchImpl(OPERATOR_PATHS.signOut, { ...base, method: 'POST', headers: { [OPERATOR_CSRF_HEADER]: csrfToken } });
        return res.ok ? { ok: true, value: undefined } : { ok: false, failure: await failureOf(res) };
      } catch {
        return { ok: false, failure: { kind: 'unavailable' } };
      }
    },
    tenants: () => call(REVIEW_API_PATHS.tenants, z.array(ReviewTenantSchema)),
    search: (tenant, query) => {
      const qs = searchParams(query).toString();
      return call(`${REVIEW_API_PATHS.events(tenant)}${qs ? `?${qs}` : ''}`, ReviewSearchResultSchema);
    },
    timeline: (tenant, ticketId) => call(REVIEW_API_PATHS.timeline(tenant, ticketId), ReviewTimelineSchema),
  };
}

/** Where the browser goes to sign in (a full page navigation to the IdP). */
export const signInUrl = (): string => `${OPERATOR_PATHS.signIn}?return=${encodeURIComponent('/review/')}`;
