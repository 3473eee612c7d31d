import { OPERATOR_CSRF_HEADER, OPERATOR_PATHS, OperatorMeSchema, type OperatorMe } from '@vouchsafe/contracts';
import { z } from 'zod';

/**
 * The fetch client both operator consoles (/review, /admin) share: same origin with the session cookie, never cached,
 * no referrer; the CSRF header on every call that changes something; answers as results (calls never reject), with
 * the API's ErrorBody turned into a failure the page can word.
 */

export type ApiFailure =
  /** No session, or it ended: sign in (again). */
  | { kind: 'signed-out' }
  /** Signed in, but without the role this needs (or this tenant is not yours). */
  | { kind: 'forbidden'; message: string }
  /** Operator sign-in is not configured on this server, or the thing asked for is not there. */
  | { kind: 'not-found'; message: string }
  /** 400/422: what was sent is not valid; `issues` name the fields (`path` dotted, e.g. `auth.apiToken`). */
  | { kind: 'invalid'; message: string; issues: ErrorIssue[] }
  /** 409: it clashes with what is there (a name in use, a change already decided). */
  | { kind: 'conflict'; message: string }
  | { kind: 'unavailable' }
  | { kind: 'unexpected'; status: number };

export interface ErrorIssue {
  path: string;
  message: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export async function failureOf(res: Response): Promise<ApiFailure> {
  const body = ErrorBodySchema.safeParse(await res.json().catch(() => undefined));
  const message = body.success ? body.data.error.message : '';
  if (res.status === 401) return { kind: 'signed-out' };
  if (res.status === 403) return { kind: 'forbidden', message };
  if (res.status === 404) return { kind: 'not-found', message };
  if (res.status === 409) return { kind: 'conflict', message };
  if (res.status === 422 || res.status === 400) return { kind: 'invalid', message, issues: (body.success && body.data.error.issues) || [] };
  if (res.status === 429 || res.status >= 502) return { kind: 'unavailable' };
  return { kind: 'unexpected', status: res.status };
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Required for anything but GET: the session's CSRF token (OperatorMe.csrfToken). */
  csrfToken?: string;
  headers?: Record<string, string>;
}

export interface OperatorClient {
  /** One JSON call; a 204 answer parses `undefined` with `schema`. */
  call<T>(path: string, schema: z.ZodType<T>, options?: CallOptions): Promise<ApiResult<T>>;
  me(): Promise<ApiResult<OperatorMe>>;
  signOut(csrfToken: string): Promise<ApiResult<void>>;
}

export function createOperatorClient(fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init)): OperatorClient {
  const base: RequestInit = { credentials: 'same-origin', cache: 'no-store', referrerPolicy: 'no-referrer' };

  async function call<T>(path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.csrfToken !== undefined) headers[OPERATOR_CSRF_HEADER] = options.csrfToken;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchImpl(path, {
        ...base,
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      return { ok: false, failure: { kind: 'unavailable' } };
    }
    if (!res.ok) return { ok: false, failure: await failureOf(res) };
    const json: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    const parsed = schema.safeParse(json);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: { kind: 'unexpected', status: res.status } };
  }

  return {
    call,
    me: () => call(OPERATOR_PATHS.me, OperatorMeSchema),
    signOut: (csrfToken) =>
      call(
        OPERATOR_PATHS.signOut,
        z.unknown().transform(() => undefined),
        { method: 'POST', csrfToken },
      ),
  };
}

/** Where the browser goes to sign in (a full page navigation to the IdP), coming back to `consolePath` (`/admin/`). */
export const signInUrl = (consolePath: string): string => `${OPERATOR_PATHS.signIn}?return=${encodeURIComponent(consolePath)}`;
