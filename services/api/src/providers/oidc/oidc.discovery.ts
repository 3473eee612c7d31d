import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { isOutboundRefusal, type Outbound } from '../../lib/outbound';
import { ProviderError } from '../provider.types';

/** What discovery needs of the outbound guard (S12): its URL rules and its fetch. */
export type OidcOutbound = Pick<Outbound, 'urlProblem' | 'fetch'>;

/** The parts of an OpenID Provider's discovery document Vouchsafe uses. */
export interface OidcMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  tokenAuthMethods: readonly string[];
  idTokenAlgs: readonly string[];
}

interface CachedMetadata {
  metadata: OidcMetadata;
  expiresAt: number;
}

/** Discovery documents change rarely; an hour keeps key rotation (new jwks_uri) and config changes visible. */
const METADATA_TTL_MS = 60 * 60 * 1000;
/** Per outbound guard, so a document accepted under one policy is never reused under another (tests run several). */
let caches = new WeakMap<OidcOutbound, { metadata: Map<string, CachedMetadata>; jwks: Map<string, JWTVerifyGetKey> }>();
function cachesOf(outbound: OidcOutbound) {
  let found = caches.get(outbound);
  if (!found) {
    found = { metadata: new Map(), jwks: new Map() };
    caches.set(outbound, found);
  }
  return found;
}

/** Asymmetric signatures only: `none` and HMAC (keyed with the client secret) are never accepted for id_tokens. */
const ALLOWED_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const ENDPOINT_NAMES = { authorizationEndpoint: 'authorization', tokenEndpoint: 'token', jwksUri: 'JWKS' } as const;

/**
 * Every endpoint the document names must pass the same URL rules as the issuer (https in production, public or
 * operator-allowed host): a document may not send the client secret or the user anywhere else (S12).
 */
function refuseUnsafeEndpoints(endpoints: Record<keyof typeof ENDPOINT_NAMES, string>, outbound: OidcOutbound): void {
  for (const key of Object.keys(ENDPOINT_NAMES) as (keyof typeof ENDPOINT_NAMES)[]) {
    const problem = outbound.urlProblem(endpoints[key]);
    if (problem !== undefined) {
      throw new ProviderError(
        'misconfigured',
        `The identity provider’s discovery document names a ${ENDPOINT_NAMES[key]} endpoint Vouchsafe may not use: it ${problem}.`,
      );
    }
  }
}

function parseMetadata(body: unknown, issuer: string, outbound: OidcOutbound): OidcMetadata {
  if (typeof body !== 'object' || body === null)
    throw new ProviderError('misconfigured', 'The identity provider’s discovery document is not JSON.');
  const doc = body as Record<string, unknown>;
  // OIDC Discovery 1.0 §4.3: the issuer in the document must be identical to the one the client was configured with.
  if (doc.issuer !== issuer) {
    throw new ProviderError(
      'misconfigured',
      'The identity provider’s discovery document names a different issuer than the one configured.',
    );
  }
  const authorizationEndpoint = httpUrl(doc.authorization_endpoint);
  const tokenEndpoint = httpUrl(doc.token_endpoint);
  const jwksUri = httpUrl(doc.jwks_uri);
  if (!authorizationEndpoint || !tokenEndpoint || !jwksUri) {
    throw new ProviderError('misconfigured', 'The identity provider’s discovery document lacks an authorization, token or JWKS endpoint.');
  }
  refuseUnsafeEndpoints({ authorizationEndpoint, tokenEndpoint, jwksUri }, outbound);
  const algs = (stringArray(doc.id_token_signing_alg_values_supported) ?? ['RS256']).filter((alg) => ALLOWED_ALGS.has(alg));
  return {
    issuer,
    authorizationEndpoint,
    tokenEndpoint,
    jwksUri,
    // Discovery §3: when omitted, the default is client_secret_basic.
    tokenAuthMethods: stringArray(doc.token_endpoint_auth_methods_supported) ?? ['client_secret_basic'],
    idTokenAlgs: algs.length > 0 ? algs : ['RS256'],
  };
}

/** The issuer's discovery document, cached per issuer (failures are not cached). */
export async function discover(issuer: string, timeoutMs: number, outbound: OidcOutbound): Promise<OidcMetadata> {
  const { metadata: metadataCache } = cachesOf(outbound);
  const cached = metadataCache.get(issuer);
  if (cached && cached.expiresAt > Date.now()) return cached.metadata;
  let response: Response;
  try {
    response = await outbound.fetch(discoveryUrl(issuer), {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    if (isOutboundRefusal(err))
      throw new ProviderError('misconfigured', 'The identity provider is at an address Vouchsafe may not connect to.');
    throw new ProviderError('unavailable', 'The identity provider’s discovery document could not be fetched.');
  }
  if (!response.ok) {
    throw new ProviderError(
      response.status >= 500 ? 'unavailable' : 'misconfigured',
      'The identity provider’s discovery document could not be fetched.',
      response.status,
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  const metadata = parseMetadata(body, issuer, outbound);
  metadataCache.set(issuer, { metadata, expiresAt: Date.now() + METADATA_TTL_MS });
  return metadata;
}

/** One remote key set per jwks_uri (jose caches keys and refetches on an unknown `kid`, with a cooldown). */
export function keySet(jwksUri: string, timeoutMs: number, outbound: OidcOutbound): JWTVerifyGetKey {
  const { jwks: jwksCache } = cachesOf(outbound);
  let jwks = jwksCache.get(jwksUri);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs, [customFetch]: outbound.fetch });
    jwksCache.set(jwksUri, jwks);
  }
  return jwks;
}

/** Tests: forget cached discovery documents and key sets. */
export function clearOidcCaches(): void {
  caches = new WeakMap();
}
