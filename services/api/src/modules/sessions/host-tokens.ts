import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { DeskTenant } from '../../helpdesks/helpdesk.types';
import type { OutboundFetch } from '../../lib/outbound';
import { rejectionFromJose } from './jose-errors';
import { SessionRejection } from './session-rejection';

/**
 * Verification of the tokens each help desk signs for its sidebar (S6). Every verifier pins
 * RS256 (so neither `none` nor HS256-with-the-public-key can pass), checks iss and aud, demands
 * exp and iat, and allows at most CLOCK_TOLERANCE_SECONDS of clock skew. The tenant is picked
 * from an unverified claim only to know which key to verify with; nothing else is trusted before
 * the signature is. Failures throw SessionRejection with a stable reason.
 */

export const CLOCK_TOLERANCE_SECONDS = 30;
const ALGORITHMS = ['RS256'];

export interface VerifiedHostToken {
  tenant: DeskTenant;
  agentId: string;
  /** From the token where the desk signs it (ServiceNow `name`). */
  agentName: string | undefined;
  ticketId: string;
  /** The host token's iat (seconds): the session chain is measured from here. */
  issuedAt: number;
}

export interface HostTokenDeps {
  zendeskByInstallation(installationId: string): Promise<DeskTenant[]>;
  loadDeskTenant(by: { desk: DeskTenant['desk']; account: string }): Promise<DeskTenant | undefined>;
  forgeJwksUrl: string;
  /** The outbound guard's fetch (S12): the Forge JWKS (or a tenant's jwksUrl) is fetched through it. */
  fetch: OutboundFetch;
  /** Seconds; tests move the clock. */
  now?: () => number;
}

const keyCache = new Map<string, KeyObject>();

/** A PEM public key, PKCS#1 key or X.509 certificate → RSA public KeyObject (cached by content). */
export function rsaPublicKey(pem: string): KeyObject {
  const id = createHash('sha256').update(pem).digest('base64url');
  let key = keyCache.get(id);
  if (!key) {
    try {
      key = createPublicKey(pem);
    } catch {
      throw new SessionRejection('unknown_tenant', 'tenant verification key does not parse');
    }
    if (key.asymmetricKeyType !== 'rsa') throw new SessionRejection('unknown_tenant', 'tenant verification key is not RSA');
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** Per outbound fetch, so a key set fetched under one policy is never reused under another (tests run several). */
const jwksCaches = new WeakMap<OutboundFetch, Map<string, ReturnType<typeof createRemoteJWKSet>>>();
function remoteJwks(url: string, fetch: OutboundFetch) {
  let cache = jwksCaches.get(fetch);
  if (!cache) {
    cache = new Map();
    jwksCaches.set(fetch, cache);
  }
  let set = cache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), {
      timeoutDuration: 5_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
      [customFetch]: fetch,
    });
    cache.set(url, set);
  }
  return set;
}

function unverifiedClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw new SessionRejection('malformed');
  }
}

async function verify(
  token: string,
  key: KeyObject | ReturnType<typeof createRemoteJWKSet>,
  opts: Pick<JWTVerifyOptions, 'issuer' | 'audience' | 'requiredClaims'>,
  now: number,
): Promise<JWTPayload & { iat: number }> {
  let payload: JWTPayload;
  try {
    const verifyOpts: JWTVerifyOptions = {
      ...opts,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now * 1000),
      requiredClaims: ['exp', 'iat', ...(opts.requiredClaims ?? [])],
    };
    payload =
      typeof (key as KeyObject).asymmetricKeyType === 'string'
        ? (await jwtVerify(token, key as KeyObject, verifyOpts)).payload
        : (await jwtVerify(token, key as ReturnType<typeof createRemoteJWKSet>, verifyOpts)).payload;
  } catch (err) {
    throw rejectionFromJose(err);
  }
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') throw new SessionRejection('malformed', 'iat/exp not numbers');
  if (payload.iat > now + CLOCK_TOLERANCE_SECONDS) throw new SessionRejection('not_yet_valid', 'iat in the future');
  return payload as JWTPayload & { iat: number };
}

const ZENDESK_AUD = /^https:\/\/[^/]+\/api\/v2\/apps\/installations\/(\d{1,20})\.json$/;
const ZENDESK_USER = /^(\d{1,20})\.json$/;

/**
 * What Zendesk signs for a tenant names the account's own host (research §1.2), whatever `apiBaseUrl` the
 * connector calls (a stand-in in tests): aud, iss and sub are checked against exactly these.
 */
const zendeskHost = (t: DeskTenant) => `${t.verification.subdomain ?? t.account}.zendesk.com`;

/** `https://{subdomain}.zendesk.com/api/v2/apps/installations/{id}.json`: pins account and installation. */
export const zendeskAudience = (t: DeskTenant) =>
  `https://${zendeskHost(t)}/api/v2/apps/installations/${t.verification.installationId}.json`;

/** Both spellings public verifiers accept; which one Zendesk sends is UNCONFIRMED (research §1.2). */
export const zendeskIssuers = (t: DeskTenant): string[] => [zendeskHost(t), `https://${zendeskHost(t)}`];

/** The agent's id from `sub`, which must be the user's API URL in this account: `https://{host}/api/v2/users/{id}.json`. */
function zendeskAgentId(t: DeskTenant, sub: unknown): string {
  const prefix = `https://${zendeskHost(t)}/api/v2/users/`;
  const id = typeof sub === 'string' && sub.startsWith(prefix) ? ZENDESK_USER.exec(sub.slice(prefix.length))?.[1] : undefined;
  if (!id) throw new SessionRejection('claims_missing', 'sub is not a user URL of this account');
  return id;
}

/** Zendesk signed-URL JWT: tenant by aud (which pins account + installation), agent from sub. */
export async function verifyZendeskToken(deps: HostTokenDeps, token: string, ticketId: string): Promise<VerifiedHostToken> {
  const now = deps.now?.() ?? Math.floor(Date.now() / 1000);
  const claims = unverifiedClaims(token);
  const aud = Array.isArray(claims.aud) ? (claims.aud.length === 1 ? claims.aud[0] : undefined) : claims.aud;
  if (aud === undefined) throw new SessionRejection('claims_missing', 'aud');
  const m = ZENDESK_AUD.exec(aud);
  if (!m) throw new SessionRejection('wrong_audience', 'aud is not an installation URL');
  const tenant = (await deps.zendeskByInstallation(m[1]!)).find((t) => zendeskAudience(t) === aud);
  if (!tenant) throw new SessionRejection('unknown_tenant', 'no tenant for this installation');
  const payload = await verify(
    token,
    rsaPublicKey(tenant.verification.publicKeyPem ?? ''),
    { audience: zendeskAudience(tenant), issuer: zendeskIssuers(tenant), requiredClaims: ['sub'] },
    now,
  );
  return { tenant, agentId: zendeskAgentId(tenant, payload.sub), agentName: undefined, ticketId, issuedAt: payload.iat };
}

/** ServiceNow instance JWT: tenant by iss (the instance name), record bound by table + sys_id claims. */
export async function verifyServiceNowToken(
  deps: HostTokenDeps,
  token: string,
  record: { table: string; sysId: string },
): Promise<VerifiedHostToken> {
  const now = deps.now?.() ?? Math.floor(Date.now() / 1000);
  const claims = unverifiedClaims(token);
  if (typeof claims.iss !== 'string') throw new SessionRejection('claims_missing', 'iss');
  const tenant = await deps.loadDeskTenant({ desk: 'servicenow', account: claims.iss });
  if (!tenant) throw new SessionRejection('unknown_tenant', 'no tenant for this instance');
  const payload = await verify(
    token,
    rsaPublicKey(tenant.verification.certificatePem ?? ''),
    { issuer: tenant.account, audience: tenant.verification.audience ?? '', requiredClaims: ['sub', 'table', 'sys_id'] },
    now,
  );
  if (payload.table !== record.table || payload.sys_id !== record.sysId) {
    throw new SessionRejection('ticket_mismatch', 'token names another record');
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new SessionRejection('claims_missing', 'sub');
  const name = typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim().slice(0, 120) : undefined;
  return { tenant, agentId: payload.sub, agentName: name, ticketId: `${record.table}:${record.sysId}`, issuedAt: payload.iat };
}

interface ForgeContext {
  cloudId?: unknown;
  extension?: { issue?: { key?: unknown } };
}

/** Forge Invocation Token: tenant by context.cloudId, keys from the JWKS, aud = the app id, agent = principal. */
export async function verifyForgeToken(deps: HostTokenDeps, token: string, issueKey: string): Promise<VerifiedHostToken> {
  const now = deps.now?.() ?? Math.floor(Date.now() / 1000);
  const claims = unverifiedClaims(token);
  const cloudId = (claims.context as ForgeContext | undefined)?.cloudId;
  if (typeof cloudId !== 'string') throw new SessionRejection('claims_missing', 'context.cloudId');
  const tenant = await deps.loadDeskTenant({ desk: 'jira', account: cloudId });
  if (!tenant) throw new SessionRejection('unknown_tenant', 'no tenant for this site');
  const payload = await verify(
    token,
    remoteJwks(tenant.verification.jwksUrl ?? deps.forgeJwksUrl, deps.fetch),
    { issuer: 'forge/invocation-token', audience: tenant.verification.appId ?? '', requiredClaims: ['principal', 'context'] },
    now,
  );
  const context = payload.context as ForgeContext | undefined;
  if (context?.cloudId !== tenant.account) throw new SessionRejection('unknown_tenant', 'cloudId changed');
  if (typeof payload.principal !== 'string' || payload.principal.length === 0) throw new SessionRejection('claims_missing', 'principal');
  // The FIT's extension context is not always signed-trusted (RFC-138), but where it names an issue it must be this one.
  const signedKey = context?.extension?.issue?.key;
  if (typeof signedKey === 'string' && signedKey !== issueKey) throw new SessionRejection('ticket_mismatch', 'FIT names another issue');
  return { tenant, agentId: payload.principal, agentName: undefined, ticketId: issueKey, issuedAt: payload.iat };
}
