import {
  ADMIN_CHANGE_PATHS,
  BRANDING_PATHS,
  BrandingAdminViewSchema,
  type BrandingAdminView,
  type BrandingUpdate,
  API_PATHS,
  CHANGE_REASON_HEADER,
  ChangeAcceptedSchema,
  ChangeListSchema,
  PendingChangeSchema,
  TenantSummarySchema,
  type ChangeAccepted,
  type ChangeList,
  type IdpConfig,
  type OperatorMe,
  type PendingChange,
  type TenantCreateRequest,
  type TenantSummary,
  type VerificationPolicyInput,
} from '@vouchsafe/contracts';
import { createOperatorClient, type ApiResult, type FetchLike } from '@vouchsafe/console';
import { z } from 'zod';
import {
  CreatedTokenSchema,
  IdpListSchema,
  PolicyViewSchema,
  TenantListSchema,
  TokenListSchema,
  type ApiTokenScope,
  type CreatedToken,
  type IdpSummary,
  type PolicyView,
  type TokenView,
} from './shapes';

export type { ApiFailure, ApiResult } from '@vouchsafe/console';

/**
 * A change to policy or an IdP connection: applied at once (single-administrator mode, or a change that does not
 * need a second person), or waiting in the change queue for a second person (four eyes: 202 ChangeAccepted).
 */
export type ChangeOutcome<T> = { kind: 'applied'; value: T } | { kind: 'pending'; change: PendingChange };

/**
 * What the admin console needs from the server (`/api/v1/admin/*` with the operator session; every change carries the
 * session's CSRF token, given as `csrf`). `createAdminApi` is the fetch implementation, `testing/memory-admin-api.ts`
 * an in-memory one for specs. Calls never reject: they answer a result.
 */
export interface AdminApi {
  me(): Promise<ApiResult<OperatorMe>>;
  signOut(csrf: string): Promise<ApiResult<void>>;
  tenants(): Promise<ApiResult<TenantSummary[]>>;
  createTenant(csrf: string, body: TenantCreateRequest): Promise<ApiResult<TenantSummary>>;
  idps(slug: string): Promise<ApiResult<IdpSummary[]>>;
  setIdp(csrf: string, slug: string, config: IdpConfig, reason?: string): Promise<ApiResult<ChangeOutcome<void>>>;
  removeIdp(csrf: string, slug: string, kind: string, reason?: string): Promise<ApiResult<ChangeOutcome<void>>>;
  policy(slug: string): Promise<ApiResult<PolicyView>>;
  setPolicy(csrf: string, slug: string, policy: VerificationPolicyInput, reason?: string): Promise<ApiResult<ChangeOutcome<PolicyView>>>;
  changes(state: 'pending' | 'all'): Promise<ApiResult<ChangeList>>;
  approve(csrf: string, id: string, reason?: string): Promise<ApiResult<PendingChange>>;
  reject(csrf: string, id: string, reason: string): Promise<ApiResult<PendingChange>>;
  withdraw(csrf: string, id: string): Promise<ApiResult<PendingChange>>;
  tokens(): Promise<ApiResult<TokenView[]>>;
  createToken(csrf: string, body: { name: string; scopes: ApiTokenScope[]; expiresInDays: number }): Promise<ApiResult<CreatedToken>>;
  revokeToken(csrf: string, name: string): Promise<ApiResult<void>>;
  /** Issue 14: the tenant's branding (404 `not-found` while it has none); set applies at once (audited). */
  branding(slug: string): Promise<ApiResult<BrandingAdminView>>;
  setBranding(csrf: string, slug: string, body: BrandingUpdate): Promise<ApiResult<BrandingAdminView>>;
}

const none = z.unknown().transform(() => undefined);
const isAccepted = (value: unknown): value is ChangeAccepted => ChangeAcceptedSchema.safeParse(value).success;

/** 202 ChangeAccepted → pending; anything the `applied` schema reads (200 body, or 204) → applied. */
function outcome<T>(applied: z.ZodType<T>): z.ZodType<ChangeOutcome<T>> {
  return z.unknown().transform((value, ctx): ChangeOutcome<T> => {
    if (isAccepted(value)) return { kind: 'pending', change: value.change };
    const parsed = applied.safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'neither applied nor accepted for approval' });
      return z.NEVER;
    }
    return { kind: 'applied', value: parsed.data };
  });
}

const reasonHeader = (reason?: string): Record<string, string> => (reason ? { [CHANGE_REASON_HEADER]: reason } : {});

export function createAdminApi(fetchImpl?: FetchLike): AdminApi {
  const client = createOperatorClient(fetchImpl);
  const change = (csrf: string, path: string, reason?: string) =>
    client.call(path, PendingChangeSchema, { method: 'POST', csrfToken: csrf, body: reason === undefined ? {} : { reason } });
  return {
    me: client.me,
    signOut: client.signOut,
    tenants: async () => {
      const answer = await client.call(API_PATHS.adminTenants, TenantListSchema);
      return answer.ok ? { ok: true, value: answer.value.tenants } : answer;
    },
    createTenant: (csrf, body) => client.call(API_PATHS.adminTenants, TenantSummarySchema, { method: 'POST', csrfToken: csrf, body }),
    idps: async (slug) => {
      const answer = await client.call(API_PATHS.adminIdps(slug), IdpListSchema);
      return answer.ok ? { ok: true, value: answer.value.idps } : answer;
    },
    setIdp: (csrf, slug, config, reason) =>
      client.call(API_PATHS.adminIdp(slug, config.kind), outcome(none), {
        method: 'PUT',
        csrfToken: csrf,
        body: config,
        headers: reasonHeader(reason),
      }),
    removeIdp: (csrf, slug, kind, reason) =>
      client.call(API_PATHS.adminIdp(slug, kind), outcome(none), { method: 'DELETE', csrfToken: csrf, headers: reasonHeader(reason) }),
    policy: (slug) => client.call(API_PATHS.adminPolicy(slug), PolicyViewSchema),
    setPolicy: (csrf, slug, policy, reason) =>
      client.call(API_PATHS.adminPolicy(slug), outcome(PolicyViewSchema), {
        method: 'PUT',
        csrfToken: csrf,
        body: policy,
        headers: reasonHeader(reason),
      }),
    changes: (state) => client.call(`${ADMIN_CHANGE_PATHS.changes}?state=${state}`, ChangeListSchema),
    approve: (csrf, id, reason) => change(csrf, ADMIN_CHANGE_PATHS.approve(id), reason),
    reject: (csrf, id, reason) => change(csrf, ADMIN_CHANGE_PATHS.reject(id), reason),
    withdraw: (csrf, id) => change(csrf, ADMIN_CHANGE_PATHS.withdraw(id)),
    tokens: async () => {
      const answer = await client.call(API_PATHS.adminApiTokens, TokenListSchema);
      return answer.ok ? { ok: true, value: answer.value.tokens } : answer;
    },
    createToken: (csrf, body) => client.call(API_PATHS.adminApiTokens, CreatedTokenSchema, { method: 'POST', csrfToken: csrf, body }),
    revokeToken: (csrf, name) => client.call(API_PATHS.adminApiToken(name), none, { method: 'DELETE', csrfToken: csrf }),
    branding: (slug) => client.call(BRANDING_PATHS.admin(slug), BrandingAdminViewSchema),
    setBranding: (csrf, slug, body) =>
      client.call(BRANDING_PATHS.admin(slug), BrandingAdminViewSchema, { method: 'PUT', csrfToken: csrf, body }),
  };
}
