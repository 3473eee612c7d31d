import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcPeer, type OidcPeer } from './oidc.peer';

const CALLBACK = 'http://127.0.0.1:9/cb';
let peer: OidcPeer;

beforeAll(async () => {
  peer = await startOidcPeer({ flavor: 'entra' });
});
afterAll(() => peer.close());

async function authorize(extra: Record<string, string> = {}, pkce = true): Promise<{ url: string; verifier: string }> {
  const meta = (await (await fetch(`${peer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(meta.authorization_endpoint!);
  const params: Record<string, string> = {
    client_id: peer.clients.public.clientId,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: CALLBACK,
    state: 's1',
    nonce: 'n1',
    prompt: 'login',
    login_hint: 'lukas.becker@customer.test',
    ...extra,
  };
  if (pkce)
    Object.assign(params, { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url: url.href, verifier };
}

describe('OIDC peer (real oidc-provider, Entra flavour)', () => {
  it('serves discovery at the issuer path and redirect URIs registered after start', async () => {
    expect(peer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/v2\.0$/);
    const res = await fetch(`${peer.url}/__control/redirect-uris`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: CALLBACK }),
    });
    expect(res.status).toBe(204);
  });

  it('issues id_tokens with the claims chosen over the control route (acrs, auth_time, email)', async () => {
    const control = await fetch(`${peer.url}/__control/next-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ acrs: ['c1', 'c3'], authTimeOffsetSeconds: -42 }),
    });
    expect(control.status).toBe(204);
    const { url, verifier } = await authorize({ claims: JSON.stringify({ id_token: { acrs: { essential: true, value: 'c1' } } }) });
    const answer = await peer.signIn(url);
    expect(answer).toMatchObject({ state: 's1', iss: peer.issuer, code: expect.any(String) });

    const meta = (await (await fetch(`${peer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const token = await fetch(meta.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: answer.code!,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
        client_id: peer.clients.public.clientId,
      }),
    });
    const body = (await token.json()) as { id_token: string };
    const { payload } = await jwtVerify(body.id_token, createRemoteJWKSet(new URL(meta.jwks_uri!)), {
      issuer: peer.issuer,
      audience: peer.clients.public.clientId,
    });
    expect(payload).toMatchObject({
      email: 'lukas.becker@customer.test',
      preferred_username: 'lukas.becker@customer.test',
      nonce: 'n1',
      acrs: ['c1', 'c3'],
    });
    expect(Math.abs(Number(payload.auth_time) - (Math.floor(Date.now() / 1000) - 42))).toBeLessThan(5);
    // As Entra v2 makes them: the object id and directory, no amr and no email_verified.
    expect(payload).toMatchObject({ oid: peer.account('lukas.becker@customer.test')?.oid, tid: peer.tenantId, ver: '2.0' });
    expect(payload.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(peer.issuer).toBe(`${peer.url}/${peer.tenantId}/v2.0`);
    expect(payload.amr).toBeUndefined();
    expect(payload).not.toHaveProperty('email_verified');
  });

  it('lists its accounts as Graph users with the oid the id_token carries', () => {
    const lukas = peer.directoryUsers().find((u) => u.mail === 'lukas.becker@customer.test');
    expect(lukas).toEqual({
      id: peer.account('lukas.becker@customer.test')?.oid,
      displayName: expect.any(String),
      mail: 'lukas.becker@customer.test',
      userPrincipalName: 'lukas.becker@customer.test',
      userType: 'Member',
      accountEnabled: true,
    });
  });

  it('shows a login form a browser can fill, and refuses requests without PKCE', async () => {
    const { url } = await authorize();
    const first = await fetch(url, { redirect: 'manual' });
    const interaction = await fetch(new URL(first.headers.get('location')!, url), {
      headers: {
        cookie: first.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
      },
    });
    const html = await interaction.text();
    expect(html).toContain('data-testid="oidc-login-form"');
    expect(html).toContain('value="lukas.becker@customer.test"');

    const noPkce = await authorize({}, false);
    const refused = await peer.signIn(noPkce.url);
    expect(refused).toMatchObject({ error: 'invalid_request', state: 's1' });
  });

  it('denies through the Cancel button, and refuses an unknown person', async () => {
    expect(await peer.signIn((await authorize()).url, { cancel: true })).toMatchObject({ error: 'access_denied' });
    await expect(peer.signIn((await authorize()).url, { email: 'nobody@customer.test' })).rejects.toThrow(/did not accept the sign-in/);
  });
});

describe('OIDC peer (generic flavour) claims', () => {
  let generic: OidcPeer;
  beforeAll(async () => {
    generic = await startOidcPeer({ redirectUris: [CALLBACK] });
  });
  afterAll(() => generic.close());

  async function idToken(login?: Parameters<OidcPeer['setNextLogin']>[0]): Promise<Record<string, unknown>> {
    const meta = (await (await fetch(`${generic.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(meta.authorization_endpoint!);
    const params = {
      client_id: generic.clients.public.clientId,
      response_type: 'code',
      scope: 'openid email profile',
      redirect_uri: CALLBACK,
      state: 's',
      nonce: 'n',
      login_hint: 'lukas.becker@customer.test',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    if (login) generic.setNextLogin(login);
    const answer = await generic.signIn(url.href);
    const token = await fetch(meta.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: answer.code!,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
        client_id: generic.clients.public.clientId,
      }),
    });
    return (await jwtVerify(((await token.json()) as { id_token: string }).id_token, createRemoteJWKSet(new URL(meta.jwks_uri!)))).payload;
  }

  it('says email_verified: true by default, and whatever a test chooses (false, a string, nothing)', async () => {
    expect(await idToken()).toMatchObject({ email: 'lukas.becker@customer.test', email_verified: true, amr: ['pwd', 'mfa'] });
    expect(await idToken({ emailVerified: false })).toMatchObject({ email_verified: false });
    expect(await idToken({ emailVerified: 'true' })).toMatchObject({ email_verified: 'true' });
    expect(await idToken({ emailVerified: null })).not.toHaveProperty('email_verified');
    const plain = await idToken();
    expect(plain).not.toHaveProperty('oid');
    expect(plain).not.toHaveProperty('tid');
  });
});
