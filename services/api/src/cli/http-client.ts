import {
  type ChangeAccepted,
  API_PATHS,
  REVIEW_PATHS,
  type ReceiptCheck,
  type ReviewTenant,
  REVOKE_TOKEN_HEADER,
  type CreateSecretRequest,
  type CreateSecretResponse,
  type ErrorBody,
  type IdpConfig,
  type IdpKind,
  type RevealResponse,
  type SecretMetadata,
  type TenantCreateRequest,
  type TenantSummary,
  type VerificationPolicy,
  type VerificationPolicyInput,
} from '@vouchsafe/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function jsonCaller(apiUrl: string) {
  const base = apiUrl.replace(/\/+$/, '');
  return async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      throw new ApiError(0, 'unreachable', `Cannot reach the Vouchsafe API at ${base} (${(err as Error).message}).`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'bad_response', `The API answered ${res.status} with something that is not JSON.`);
    }
    if (!res.ok) {
      const e = (json as ErrorBody).error;
      throw new ApiError(res.status, e?.code ?? 'unknown', e?.message ?? `The API answered ${res.status}.`);
    }
    return json as T;
  };
}

const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/**
 * A thin typed client for the vault endpoints (used by the CLI, the e2e suite and the benchmark).
 * `tenant`: a help-desk tenant's slug (from a `/t/{tenant}/s/{id}` link); its secrets live under
 * `/api/v1/t/{tenant}`, and the default prefix would answer "gone".
 */
export function vaultClient(apiUrl: string, token?: string, tenant?: string) {
  const call = jsonCaller(apiUrl);
  const auth = () => bearer(token);
  return {
    create: (req: CreateSecretRequest) => call<CreateSecretResponse>('POST', API_PATHS.secrets(tenant), req, auth()),
    metadata: (id: string) => call<SecretMetadata>('GET', API_PATHS.secret(id, tenant)),
    reveal: (id: string, keyCheck: string, passphraseCheck?: string) =>
      call<RevealResponse>('POST', API_PATHS.reveal(id, tenant), {
        keyCheck,
        ...(passphraseCheck ? { passphraseCheck } : {}),
      }),
    revoke: (id: string, revokeToken: string) =>
      call<void>('DELETE', API_PATHS.secret(id, tenant), undefined, { [REVOKE_TOKEN_HEADER]: revokeToken }),
  };
}

/** Tenant administration (API token). */
export function tenantsClient(apiUrl: string, token?: string) {
  const call = jsonCaller(apiUrl);
  return {
    add: (req: TenantCreateRequest) => call<TenantSummary>('POST', API_PATHS.adminTenants, req, bearer(token)),
    list: () => call<{ tenants: TenantSummary[] }>('GET', API_PATHS.adminTenants, undefined, bearer(token)),
    remove: (slug: string) => call<void>('DELETE', API_PATHS.adminTenant(slug), undefined, bearer(token)),
  };
}

export interface PolicyResponse {
  version: number;
  policy: VerificationPolicy;
  isDefault: boolean;
  changedBy: string | null;
  createdAt: string | null;
}

/** A tenant's IdP connections and verification policy (API token). */
export function verificationAdminClient(apiUrl: string, token?: string) {
  const call = jsonCaller(apiUrl);
  return {
    /** undefined: applied (204); ChangeAccepted: waits for a second person (202, four eyes). */
    setIdp: (slug: string, config: IdpConfig) =>
      call<ChangeAccepted | undefined>('PUT', API_PATHS.adminIdp(slug, config.kind), config, bearer(token)),
    listIdps: (slug: string) =>
      call<{ idps: { kind: IdpKind; settings: Record<string, unknown>; updatedAt: string }[] }>(
        'GET',
        API_PATHS.adminIdps(slug),
        undefined,
        bearer(token),
      ),
    removeIdp: (slug: string, kind: string) =>
      call<ChangeAccepted | undefined>('DELETE', API_PATHS.adminIdp(slug, kind), undefined, bearer(token)),
    showPolicy: (slug: string) => call<PolicyResponse>('GET', API_PATHS.adminPolicy(slug), undefined, bearer(token)),
    setPolicy: (slug: string, policy: VerificationPolicyInput) =>
      call<{ version: number; policy: VerificationPolicy } | ChangeAccepted>('PUT', API_PATHS.adminPolicy(slug), policy, bearer(token)),
  };
}

export interface ApiTokenView {
  name: string;
  scopes: string[];
  source: 'environment' | 'stored';
  createdBy: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** API tokens created at run time (admin scope). */
export function tokensClient(apiUrl: string, token?: string) {
  const call = jsonCaller(apiUrl);
  return {
    create: (body: { name: string; scopes: string[]; expiresInDays?: number }) =>
      call<ApiTokenView & { token: string }>('POST', API_PATHS.adminApiTokens, body, bearer(token)),
    list: () => call<{ tokens: ApiTokenView[] }>('GET', API_PATHS.adminApiTokens, undefined, bearer(token)),
    revoke: (name: string) => call<void>('DELETE', API_PATHS.adminApiToken(name), undefined, bearer(token)),
  };
}

/** The reviewer API (API token with the `auditor` scope). */
export function reviewClient(apiUrl: string, token?: string) {
  const call = jsonCaller(apiUrl);
  return {
    tenants: () => call<ReviewTenant[]>('GET', REVIEW_PATHS.tenants, undefined, bearer(token)),
    receipt: (slug: string, receipt: string) => call<ReceiptCheck>('GET', REVIEW_PATHS.receipt(slug, receipt), undefined, bearer(token)),
  };
}
