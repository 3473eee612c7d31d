import {
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
import { createOperatorClient, type ApiResult, type FetchLike } from '@vouchsafe/console';
import { z } from 'zod';

export type { ApiFailure, ApiResult } from '@vouchsafe/console';

/**
 * What the console needs from the server: who is signed in, sign-out, and the reviewer API (shapes in
 * packages/contracts/src/audit.ts). Components receive this interface; `createReviewApi` is the fetch implementation
 * (over the shared operator client of @vouchsafe/console), `testing/memory-review-api.ts` an in-memory one for specs.
 * Calls never reject: they answer a result.
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

/** Builds the query string of a search: only fields with a value. */
export function searchParams(query: SearchInput): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  return params;
}

export function createReviewApi(fetchImpl?: FetchLike): ReviewApi {
  const client = createOperatorClient(fetchImpl);
  return {
    me: client.me,
    signOut: client.signOut,
    tenants: () => client.call(REVIEW_API_PATHS.tenants, z.array(ReviewTenantSchema)),
    search: (tenant, query) => {
      const qs = searchParams(query).toString();
      return client.call(`${REVIEW_API_PATHS.events(tenant)}${qs ? `?${qs}` : ''}`, ReviewSearchResultSchema);
    },
    timeline: (tenant, ticketId) => client.call(REVIEW_API_PATHS.timeline(tenant, ticketId), ReviewTimelineSchema),
  };
}
