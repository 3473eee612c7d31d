import type { OidcMetadata } from './oidc.discovery';

/** A client at an OpenID Provider: confidential with a secret, or public (PKCE is then the only proof). */
export interface OidcClientCredentials {
  clientId: string;
  clientSecret?: string | undefined;
}

/** RFC 6749 §2.3.1: client_id and secret are form-encoded before they go into Basic credentials. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The authorization-code token request (RFC 6749 §4.1.3 with PKCE), shared by the caller-verification provider and
 * operator sign-in: `client_secret_basic` when the IdP lists it (or lists nothing), else `client_secret_post`; no
 * secret → a public client sending only its id.
 */
export function tokenRequest(
  client: OidcClientCredentials,
  metadata: Pick<OidcMetadata, 'tokenAuthMethods'>,
  grant: { code: string; redirectUri: string; codeVerifier: string },
): { headers: Record<string, string>; body: URLSearchParams } {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.codeVerifier,
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client.clientSecret === undefined) {
    body.set('client_id', client.clientId);
  } else if (metadata.tokenAuthMethods.includes('client_secret_basic') || !metadata.tokenAuthMethods.includes('client_secret_post')) {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    body.set('client_secret', client.clientSecret);
  }
  return { headers, body };
}
