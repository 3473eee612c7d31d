import { z } from 'zod';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Client, DuoException } from '@duosecurity/duo_universal';
import type { ProviderOutcome } from '../provider.types';
import { ProviderError } from '../provider.types';
import type { DuoConfig } from './duo-auth.client';

/**
 * Duo Universal Prompt through `@duosecurity/duo_universal` (axios with Duo's pinned CAs, HS512 client assertions
 * and id_tokens signed with the client secret). The SDK has no timeouts of its own: every network call is raced.
 */

export interface UniversalState {
  state: string;
  username: string;
  redirectUrl: string;
}

type Universal = NonNullable<DuoConfig['universal']>;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderError('unavailable', `Duo did not answer within ${Math.round(ms / 1000)} s.`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function client(config: DuoConfig, universal: Universal, redirectUrl: string): Client {
  try {
    return new Client({ clientId: universal.clientId, clientSecret: universal.clientSecret, apiHost: config.apiHost, redirectUrl });
  } catch {
    // DuoException: the client id must be 20 characters, the secret 40, the redirect URL a URL.
    throw new ProviderError(
      'misconfigured',
      'The Duo Universal Prompt application is not set up correctly (client id, client secret or API host).',
    );
  }
}

interface HttpLike {
  response?: { status?: unknown; data?: unknown };
}

/** Network and HTTP trouble behind a DuoException → ProviderError; undefined when it was not a transport failure. */
function transportError(err: unknown): ProviderError | undefined {
  if (err instanceof ProviderError) return err;
  const inner: (Error & HttpLike) | undefined = err instanceof DuoException ? err.inner : undefined;
  if (!inner) return undefined;
  const status = typeof inner.response?.status === 'number' ? inner.response.status : undefined;
  const data = inner.response?.data;
  const oauthError = typeof data === 'object' && data !== null && 'error' in data ? data.error : undefined;
  const message = typeof data === 'object' && data !== null && 'message' in data ? data.message : undefined;
  if (status === undefined) {
    // jose's JWTVerify failures also arrive as `inner`: those are not transport errors.
    return 'code' in inner && typeof inner.code === 'string' && inner.code.startsWith('ERR_JW')
      ? undefined
      : new ProviderError('unavailable', 'Duo could not be reached.');
  }
  if (oauthError === 'invalid_grant') return undefined;
  if (status === 401 || oauthError === 'invalid_client' || message === 'invalid_client') {
    return new ProviderError(
      'misconfigured',
      'Duo refused the Universal Prompt application’s credentials: check the client id, client secret and API host.',
      status,
    );
  }
  if (status >= 500) return new ProviderError('unavailable', `Duo answered with an error (HTTP ${status}).`, status);
  return new ProviderError('rejected', `Duo refused the request (HTTP ${status}).`, status);
}

export async function startUniversal(
  config: DuoConfig,
  username: string,
  redirectUrl: string,
  timeoutMs: number,
): Promise<{ url: string; state: UniversalState }> {
  if (!config.universal) throw new ProviderError('misconfigured', 'The Duo Universal Prompt is not configured for this help desk.');
  const duo = client(config, config.universal, redirectUrl);
  try {
    // Duo asks clients to check health before sending a user to the prompt; we fail closed when it is down.
    await withTimeout(duo.healthCheck(), timeoutMs);
  } catch (err) {
    throw transportError(err) ?? new ProviderError('misconfigured', 'Duo refused the Universal Prompt application’s health check.');
  }
  // Unguessable, 43 characters (Duo accepts 22–1024); the verification module finds the attempt by it.
  const state = randomBytes(32).toString('base64url');
  const url = await duo.createAuthUrl(username, state);
  return { url, state: { state, username, redirectUrl } };
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What the Universal Prompt start stores and the callback reads back. */
export const UniversalStateSchema = z.object({ state: z.string(), username: z.string(), redirectUrl: z.string() });

function isUniversalState(value: Record<string, unknown>): value is Record<string, unknown> & UniversalState {
  return UniversalStateSchema.safeParse(value).success;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id_token's verdict: allow for the expected user only; a bypass never counts. */
export function outcomeFromToken(token: unknown, username: string): ProviderOutcome {
  if (!isObject(token)) return { state: 'failed', reason: 'Duo’s answer was incomplete.' };
  if (token.preferred_username !== username)
    return { state: 'failed', reason: 'Duo verified a different user than the requester on record.' };
  const result = isObject(token.auth_result) ? token.auth_result : {};
  const context = isObject(token.auth_context) ? token.auth_context : {};
  if (result.status === 'allow' && result.result === 'allow') {
    const isBypass = [context.reason, context.factor].some((v) => typeof v === 'string' && /bypass/i.test(v));
    return isBypass ? { state: 'failed', reason: 'Duo let the caller through without a second factor (bypass).' } : { state: 'verified' };
  }
  if (result.status === 'fraud')
    return { state: 'denied', detail: 'reported_fraud', reason: 'The caller reported the Duo prompt as fraud: possible fraud.' };
  if (result.result === 'deny' || result.status === 'deny')
    return { state: 'denied', detail: 'customer_denied', reason: 'The caller denied the Duo prompt.' };
  return { state: 'failed', reason: 'Duo answered with a result Vouchsafe does not accept.' };
}

export async function completeUniversal(
  config: DuoConfig,
  stored: Record<string, unknown>,
  input: Record<string, string>,
  timeoutMs: number,
): Promise<ProviderOutcome> {
  if (!config.universal) throw new ProviderError('misconfigured', 'The Duo Universal Prompt is not configured for this help desk.');
  if (!isUniversalState(stored)) return { state: 'failed', reason: 'This Duo link has no attempt on record.' };
  if (!input.state || !sameString(input.state, stored.state))
    return { state: 'failed', reason: 'The Duo link does not belong to this attempt.' };
  if (input.error) {
    // UNCONFIRMED: whether the Universal Prompt redirects back with an OAuth error when the user declines.
    return input.error === 'access_denied'
      ? { state: 'denied', detail: 'customer_denied', reason: 'The caller denied the Duo prompt.' }
      : { state: 'failed', reason: 'Duo ended the prompt with an error.' };
  }
  const code = input.duo_code ?? input.code;
  if (!code) return { state: 'failed', reason: 'Duo sent no authorization code back.' };
  const duo = client(config, config.universal, stored.redirectUrl);
  try {
    const token = await withTimeout(duo.exchangeAuthorizationCodeFor2FAResult(code, stored.username), timeoutMs);
    return outcomeFromToken(token, stored.username);
  } catch (err) {
    const transport = transportError(err);
    if (transport) throw transport;
    if (err instanceof DuoException && err.message === 'The username is invalid') {
      return { state: 'failed', reason: 'Duo verified a different user than the requester on record.' };
    }
    if (err instanceof DuoException && err.message === 'Error decoding JWT')
      return { state: 'failed', reason: 'Duo’s answer did not carry a valid signature.' };
    const isUsed = err instanceof DuoException && /invalid_grant/.test(err.message);
    return { state: 'failed', reason: isUsed ? 'This Duo link was already used or has expired.' : 'Duo’s answer was incomplete.' };
  }
}
