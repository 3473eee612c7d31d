import {
  API_PATHS,
  type ErrorBody,
  type RevealRequest,
  type RevealResponse,
  type SecretMetadata,
  type WithdrawnReason,
} from '@vouchsafe/contracts';

/**
 * Everything that can go wrong, in the terms the page needs. 404 and 410 are one outcome on
 * purpose: the server does not say whether a secret expired, was viewed or never existed.
 */
export type ApiFailure =
  | { kind: 'gone' }
  /** Issue 12: a ticket-bound secret withdrawn because its ticket was closed, deleted or merged (410 secret_withdrawn). */
  | { kind: 'withdrawn'; reason: WithdrawnReason }
  | { kind: 'wrong-key' }
  | { kind: 'wrong-passphrase' }
  | { kind: 'passphrase-required' }
  /** A verified-requester-only secret without a valid grant: verify (again). */
  | { kind: 'verification-required' }
  | { kind: 'throttled'; retryAfterSeconds?: number }
  | { kind: 'unreachable' }
  | { kind: 'unexpected'; status: number };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export type RecipientVerifyMethod = NonNullable<SecretMetadata['verifyMethods']>[number];

export interface RevealApi {
  getMetadata(id: string, signal?: AbortSignal): Promise<ApiResult<SecretMetadata>>;
  reveal(id: string, body: RevealRequest): Promise<ApiResult<RevealResponse>>;
  /** Starts the recipient's verification; answers where to send the browser (the IdP's sign-in). */
  /** `keyCheck` proves the caller holds the link: the server starts no sign-in without it. */
  startVerification(id: string, method: RecipientVerifyMethod, keyCheck: string): Promise<ApiResult<{ url: string }>>;
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const REQUEST_DEFAULTS: RequestInit = {
  cache: 'no-store',
  credentials: 'omit',
  referrerPolicy: 'no-referrer',
  redirect: 'error',
};

/** `tenant`: the slug of a help-desk tenant's link (`/t/{slug}/s/{id}`); its secrets live under `/api/v1/t/{slug}`. */
export function createRevealApi(
  fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init),
  base = '',
  tenant?: string,
): RevealApi {
  return {
    getMetadata: (id, signal) =>
      send(fetchImpl, `${base}${API_PATHS.secret(id, tenant || undefined)}`, { method: 'GET', signal: signal ?? null }, isSecretMetadata),
    reveal: (id, body) =>
      send(
        fetchImpl,
        `${base}${API_PATHS.reveal(id, tenant || undefined)}`,
        { method: 'POST', body: JSON.stringify(body) },
        isRevealResponse,
      ),
    startVerification: (id, method, keyCheck) =>
      send(
        fetchImpl,
        `${base}${API_PATHS.verifyRecipient(id, tenant || undefined)}`,
        { method: 'POST', body: JSON.stringify({ method, keyCheck }) },
        isVerifyStart,
      ),
  };
}

async function send<T>(fetchImpl: FetchLike, url: string, init: RequestInit, guard: (v: unknown) => v is T): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      ...REQUEST_DEFAULTS,
      ...init,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return { ok: false, failure: { kind: 'unreachable' } };
  }
  const body = await readJson(response);
  if (response.ok) {
    return guard(body) ? { ok: true, value: body } : { ok: false, failure: { kind: 'unexpected', status: response.status } };
  }
  return { ok: false, failure: failureFor(response, body) };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

export function failureFor(response: Pick<Response, 'status' | 'headers'>, body: unknown): ApiFailure {
  const error = isErrorBody(body) ? body.error : undefined;
  const { status } = response;
  if (status === 410 && error?.code === 'secret_withdrawn' && isWithdrawnReason(error.withdrawnReason)) {
    return { kind: 'withdrawn', reason: error.withdrawnReason };
  }
  if (status === 404 || status === 410) return { kind: 'gone' };
  if (status === 403) {
    switch (error?.code) {
      case 'wrong_link_key':
        return { kind: 'wrong-key' };
      case 'wrong_passphrase':
        return { kind: 'wrong-passphrase' };
      case 'passphrase_required':
        return { kind: 'passphrase-required' };
      case 'verification_required':
        return { kind: 'verification-required' };
      default:
        return { kind: 'unexpected', status };
    }
  }
  if (status === 429) {
    const retryAfterSeconds = error?.retryAfterSeconds ?? parseRetryAfter(response.headers.get('Retry-After'));
    return retryAfterSeconds === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterSeconds };
  }
  // A proxy in front of the API answering for it means the API itself is not reachable.
  if (status === 502 || status === 503 || status === 504) return { kind: 'unreachable' };
  return { kind: 'unexpected', status };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

// Spelled out rather than imported as a value: keeps contracts' runtime out of the customer page's bundle.
const isWithdrawnReason = (v: unknown): v is WithdrawnReason => v === 'ticket_closed' || v === 'ticket_deleted' || v === 'ticket_merged';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isKind = (v: unknown): v is 'text' | 'file' => v === 'text' || v === 'file';

function isErrorBody(v: unknown): v is ErrorBody {
  return isObject(v) && isObject(v.error) && typeof v.error.code === 'string';
}

// Hand-written guards rather than the zod schemas: keeps zod out of the customer page's bundle.
export function isSecretMetadata(v: unknown): v is SecretMetadata {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    v.status === 'available' &&
    isKind(v.kind) &&
    typeof v.expiresAt === 'string' &&
    Number.isInteger(v.viewsLeft) &&
    typeof v.needsPassphrase === 'boolean' &&
    (v.passphraseSalt === undefined || typeof v.passphraseSalt === 'string') &&
    (v.needsVerification === undefined || typeof v.needsVerification === 'boolean') &&
    (v.verifyMethods === undefined ||
      (Array.isArray(v.verifyMethods) && v.verifyMethods.every((m) => m === 'oidc' || m === 'duo_universal')))
  );
}

/** Only an absolute http(s) URL may be navigated to (never javascript: or a relative trick). */
export function isVerifyStart(v: unknown): v is { url: string } {
  if (!isObject(v) || typeof v.url !== 'string') return false;
  try {
    const parsed = new URL(v.url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

export function isRevealResponse(v: unknown): v is RevealResponse {
  return isObject(v) && typeof v.id === 'string' && isKind(v.kind) && typeof v.ciphertext === 'string' && Number.isInteger(v.viewsLeft);
}
