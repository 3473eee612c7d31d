import { createHash } from 'node:crypto';
import {
  ENTRA_LOOKUP_SELECT,
  ENTRA_LOOKUP_TOP,
  GRAPH_BASE_URL,
  GRAPH_PERMISSION,
  GRAPH_SCOPE,
  entraLookupFilter,
  type EntraLookupUser,
} from '@vouchsafe/contracts';
import { ProviderError } from '../provider.types';
import type { OidcConfig } from './oidc.claims';
import { discover, type OidcOutbound } from './oidc.discovery';

/**
 * The requester's Microsoft Entra account, looked up in Microsoft Graph with the app's own client credentials
 * (client-credentials grant, application permission User.Read.All): `GET /v1.0/users?$filter=mail eq '…' or
 * userPrincipalName eq '…'&$select=id,userType,accountEnabled&$top=10`. `eq` on `mail` and `userPrincipalName` works
 * without the advanced-query parameters (no `ConsistencyLevel`, no `$count`). Only enabled member accounts count:
 * a guest's `mail` is whatever the person who invited it typed. Never logs; the object id goes back to the provider
 * only (it is an identifier: never into reasons, notes, audit rows or logs).
 */

export type EntraLookup = { kind: 'one'; oid: string } | { kind: 'none' } | { kind: 'several' } | { kind: 'guest_only' };

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Access tokens per (token endpoint, client, secret), reused until five minutes before they expire. */
const tokens = new Map<string, CachedToken>();
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tests: forget cached Graph tokens. */
export function clearGraphTokens(): void {
  tokens.clear();
}

const unreachable = () => new ProviderError('unavailable', 'Microsoft Graph could not be reached to look the requester up.');

function cacheKey(tokenUrl: string, config: OidcConfig): string {
  return createHash('sha256')
    .update(`${tokenUrl}\0${config.clientId}\0${config.clientSecret ?? ''}`)
    .digest('base64url');
}

async function tokenEndpoint(config: OidcConfig, timeoutMs: number, outbound: OidcOutbound): Promise<string> {
  return config.graph?.tokenUrl ?? (await discover(config.issuer, timeoutMs, outbound)).tokenEndpoint;
}

async function fetchToken(tokenUrl: string, config: OidcConfig, timeoutMs: number, outbound: OidcOutbound): Promise<CachedToken> {
  if (config.clientSecret === undefined)
    throw new ProviderError('misconfigured', 'The Entra connection has no client secret to look the requester up in Microsoft Graph.');
  const body = new URLSearchParams({
    client_id: config.clientId,
    client_secret: config.clientSecret,
    scope: GRAPH_SCOPE,
    grant_type: 'client_credentials',
  });
  let response: Response;
  try {
    response = await outbound.fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch {
    throw unreachable();
  }
  const json: unknown = await response.json().catch(() => undefined);
  const answer = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (!response.ok) {
    if (response.status >= 500 || response.status === 429) throw unreachable();
    // invalid_client (wrong or expired secret), unauthorized_client, invalid_scope …: an admin has to fix the app.
    throw new ProviderError(
      'misconfigured',
      'Microsoft Entra refused Vouchsafe’s client credentials for Microsoft Graph (check the client secret and its expiry).',
      response.status,
    );
  }
  const token = answer.access_token;
  const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in);
  if (typeof token !== 'string' || token.length === 0 || !Number.isFinite(expiresIn)) {
    throw new ProviderError('unavailable', 'Microsoft Entra answered the Graph token request without an access token.');
  }
  return { token, expiresAt: Date.now() + Math.max(60_000, expiresIn * 1000 - REFRESH_MARGIN_MS) };
}

async function accessToken(config: OidcConfig, timeoutMs: number, isFresh: boolean, outbound: OidcOutbound): Promise<string> {
  const tokenUrl = await tokenEndpoint(config, timeoutMs, outbound);
  const key = cacheKey(tokenUrl, config);
  const cached = tokens.get(key);
  if (!isFresh && cached && cached.expiresAt > Date.now()) return cached.token;
  const token = await fetchToken(tokenUrl, config, timeoutMs, outbound);
  tokens.set(key, token);
  return token.token;
}

function usersUrl(config: OidcConfig, email: string): string {
  const base = (config.graph?.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
  const query = [
    `$filter=${encodeURIComponent(entraLookupFilter(email))}`,
    `$select=${ENTRA_LOOKUP_SELECT.join(',')}`,
    `$top=${ENTRA_LOOKUP_TOP}`,
  ];
  return `${base}/v1.0/users?${query.join('&')}`;
}

function parseUsers(json: unknown): { users: EntraLookupUser[]; hasMore: boolean } {
  const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  if (!body || !Array.isArray(body.value))
    throw new ProviderError('unavailable', 'Microsoft Graph answered the user lookup with something unexpected.');
  const users = body.value.map((raw: unknown): EntraLookupUser => {
    const u = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    if (typeof u.id !== 'string' || !GUID.test(u.id))
      throw new ProviderError('unavailable', 'Microsoft Graph answered the user lookup without an object id.');
    return {
      id: u.id.toLowerCase(),
      userType: u.userType === 'Member' || u.userType === 'Guest' ? u.userType : null,
      accountEnabled: typeof u.accountEnabled === 'boolean' ? u.accountEnabled : null,
    };
  });
  return { users, hasMore: typeof body['@odata.nextLink'] === 'string' };
}

async function getUsers(
  config: OidcConfig,
  email: string,
  timeoutMs: number,
  isFreshToken: boolean,
  outbound: OidcOutbound,
): Promise<Response> {
  const token = await accessToken(config, timeoutMs, isFreshToken, outbound);
  try {
    return await outbound.fetch(usersUrl(config, email), {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch {
    throw unreachable();
  }
}

/**
 * Exactly one enabled member account whose `mail` or `userPrincipalName` is the email on record → its object id
 * (disabled accounts cannot sign in and do not count; a user without `userType` is not taken for a member).
 * None, several (or more than a page), or only guests → said so; the caller fails closed with a reason. A token Graph
 * refuses (401) is replaced once (revoked or rotated secret); 403 means the app lacks User.Read.All.
 */
export async function lookUpEntraUser(config: OidcConfig, email: string, timeoutMs: number, outbound: OidcOutbound): Promise<EntraLookup> {
  let response = await getUsers(config, email, timeoutMs, false, outbound);
  if (response.status === 401) {
    await response.body?.cancel();
    response = await getUsers(config, email, timeoutMs, true, outbound);
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      throw new ProviderError(
        'misconfigured',
        `Microsoft Graph refused to look the requester up: grant the app registration the application permission ${GRAPH_PERMISSION} (with admin consent).`,
        response.status,
      );
    }
    if (response.status === 429 || response.status >= 500) throw unreachable();
    throw new ProviderError('misconfigured', `Microsoft Graph refused the user lookup (HTTP ${response.status}).`, response.status);
  }
  const { users, hasMore } = parseUsers(await response.json().catch(() => undefined));
  const members = users.filter((u) => u.userType === 'Member' && u.accountEnabled !== false);
  if (hasMore || members.length > 1) return { kind: 'several' };
  const [member] = members;
  if (member) return { kind: 'one', oid: member.id };
  return users.some((u) => u.userType === 'Guest') ? { kind: 'guest_only' } : { kind: 'none' };
}
