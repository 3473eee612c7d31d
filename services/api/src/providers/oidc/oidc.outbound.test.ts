import { randomUUID } from 'node:crypto';
import { IdpConfigSchema } from '@vouchsafe/contracts';
import { testCa } from '@vouchsafe/test-support';
import { startOidcPeer, type OidcPeer } from '@vouchsafe/test-support/idps';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound, parseOutboundAllow, type Outbound } from '../../lib/outbound';
import { ProviderError } from '../provider.types';
import { clearOidcCaches } from './oidc.discovery';
import { createOidcProvider } from './oidc.provider';
import type { OidcConfig } from './oidc.claims';

/**
 * Discovery documents under the production policy (S12): the real oidc-provider peer over https (throwaway CA), the
 * operator allowing exactly its address and port. Every endpoint the document names must pass the same rules as the
 * issuer; a document pointing the token endpoint at http or at another address fails the verification before the
 * client secret is sent anywhere.
 */

const CALLBACK = 'https://vouchsafe.example/verify/callback/oidc';
const REQUESTER = { email: 'Priya.Natarajan@customer.test', phone: null, name: 'Priya Natarajan' };

let peer: OidcPeer;
let outbound: Outbound;
let config: OidcConfig;

beforeAll(async () => {
  peer = await startOidcPeer({ tls: true, redirectUris: [CALLBACK] });
  const { port } = new URL(peer.url);
  outbound = createOutbound(
    { isHttpAllowed: false, isAnyAddressAllowed: false, allow: parseOutboundAllow(`127.0.0.1:${port}`) },
    { ca: testCa().certPem },
  );
  const parsed = IdpConfigSchema.parse(peer.idpConfig({ client: 'basic' }));
  if (parsed.kind !== 'oidc') throw new Error('not an oidc config');
  config = parsed;
});
afterEach(() => {
  clearOidcCaches();
  peer.reset();
});
afterAll(async () => {
  await outbound?.close();
  await peer?.close();
});

const provider = () => createOidcProvider(config, { timeoutMs: 5_000, outbound });
const tokenRequests = () => peer.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/token'));

/** A sign-in started and finished at the peer with its honest discovery document: the callback's parameters. */
async function signedIn() {
  const p = provider();
  const user = (await p.resolveUser(REQUESTER))!;
  const start = await p.start(user, { method: 'oidc' }, { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: 'Call' });
  const params = await peer.signIn(start.link!);
  return { state: start.providerState, params };
}

describe('OIDC over https against an allowlisted peer', () => {
  it('control: the honest discovery document verifies, and the token endpoint is called once', async () => {
    const { state, params } = await signedIn();
    expect(await provider().complete!(state, params)).toEqual({ state: 'verified' });
    expect(tokenRequests()).toHaveLength(1);
  });

  it.each([
    ['http (same host and port)', (port: string) => `http://127.0.0.1:${port}/token`],
    ['another port of the allowed address', (port: string) => `https://127.0.0.1:${Number(port) + 1}/token`],
    ['a private address', () => 'https://10.0.0.7/token'],
    ['the metadata address', () => 'https://169.254.169.254/token'],
    ['an IPv4-mapped spelling of the allowed address', (port: string) => `https://[::ffff:7f00:1]:${port}/token`],
    ['localhost', (port: string) => `https://localhost:${port}/token`],
  ])('a document naming a token endpoint on %s fails the verification, and no token request is made', async (_what, endpoint) => {
    const { state, params } = await signedIn();
    const bad = endpoint(new URL(peer.url).port);
    // The document changes between the link and the callback (cache expired, IdP reconfigured, or an attacker).
    clearOidcCaches();
    peer.editDiscovery((doc) => ({ ...doc, token_endpoint: bad }));
    const outcome = await provider().complete!(state, params);
    expect(outcome).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/discovery document names a token endpoint Vouchsafe may not use/),
    });
    expect(tokenRequests()).toEqual([]);
  });

  it.each(['authorization_endpoint', 'jwks_uri', 'token_endpoint'])('no link is made when %s points at http', async (field) => {
    peer.editDiscovery((doc) => ({ ...doc, [field]: String(doc[field]).replace(/^https:/, 'http:') }));
    const p = provider();
    const user = (await p.resolveUser(REQUESTER))!;
    const err = await p
      .start(user, { method: 'oidc' }, { verificationId: randomUUID(), callbackUrl: CALLBACK, displayContext: 'Call' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'misconfigured', message: expect.stringMatching(/may not use: it must be an https URL/) });
    expect(peer.authorizations()).toEqual([]);
  });
});
