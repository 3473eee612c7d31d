import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import type { DeskTenant } from '../../helpdesks/helpdesk.types';
import { createOutbound } from '../../lib/outbound';
import { verifyForgeToken, verifyServiceNowToken, verifyZendeskToken, type HostTokenDeps } from './host-tokens';
import { SessionRejection, type RejectionReason } from './session-rejection';

/**
 * Each desk's host token against each rejection reason. Keys are generated here; the Forge JWKS is
 * served from a real local HTTP server so the remote key set path is exercised too.
 */

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const acmeZd = pair();
const globexZd = pair();
const sn = pair();
const forge = pair();
const stranger = pair();
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

const SYS_ID = 'a'.repeat(32);
const JIRA_CLOUD = randomUUID();
const JIRA_APP = `ari:cloud:ecosystem::app/${randomUUID()}`;

function tenant(desk: DeskTenant['desk'], account: string, verification: Record<string, string>, apiBaseUrl: string): DeskTenant {
  return {
    id: randomUUID(),
    slug: `${desk}-${account}`,
    name: account,
    desk,
    account,
    apiBaseUrl,
    verification,
    credentials: { oauthToken: 'x'.repeat(10) },
  };
}

const acme = tenant(
  'zendesk',
  'acme',
  { subdomain: 'acme', installationId: '111', publicKeyPem: pem(acmeZd.publicKey) },
  'https://acme.zendesk.com',
);
const globex = tenant(
  'zendesk',
  'globex',
  { subdomain: 'globex', installationId: '222', publicKeyPem: pem(globexZd.publicKey) },
  'https://globex.zendesk.com',
);
// A dev tenant whose connector calls a stand-in: Zendesk's claims still name local.zendesk.com, never the override.
const local = tenant(
  'zendesk',
  'local',
  { subdomain: 'local', installationId: '333', publicKeyPem: pem(acmeZd.publicKey) },
  'http://127.0.0.1:9/zendesk',
);
let serviceNow: DeskTenant;
let jira: DeskTenant;
let certDir: string;
let jwksServer: http.Server;
let jwksHits = 0;

// The JWKS server is plain http on 127.0.0.1: the development policy.
const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });
const deps = (): HostTokenDeps => ({
  zendeskByInstallation: async (id) => [acme, globex, local].filter((t) => t.verification.installationId === id),
  loadDeskTenant: async ({ desk, account }) =>
    [acme, globex, local, serviceNow, jira].find((t) => t.desk === desk && t.account === account),
  forgeJwksUrl: 'http://127.0.0.1:9/never-used.json',
  fetch: outbound.fetch,
});

beforeAll(async () => {
  // ServiceNow tenants store the keystore's certificate: prove an X.509 PEM works, not just SPKI.
  certDir = mkdtempSync(path.join(tmpdir(), 'vs-sn-'));
  const keyFile = path.join(certDir, 'key.pem');
  const certFile = path.join(certDir, 'cert.pem');
  writeFileSync(keyFile, sn.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  execFileSync('openssl', ['req', '-x509', '-key', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=acme.service-now.com'], {
    stdio: 'ignore',
  });
  serviceNow = tenant(
    'servicenow',
    'acme',
    { instance: 'acme', certificatePem: readFileSync(certFile, 'utf8'), audience: 'vouchsafe' },
    'https://acme.service-now.com',
  );

  const jwk = { ...(await exportJWK(forge.publicKey)), kid: 'forge-1', alg: 'RS256', use: 'sig' };
  jwksServer = http.createServer((_req, res) => {
    jwksHits += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const { port } = jwksServer.address() as AddressInfo;
  jira = tenant(
    'jira',
    JIRA_CLOUD,
    { cloudId: JIRA_CLOUD, siteUrl: 'https://acme.atlassian.net', appId: JIRA_APP, jwksUrl: `http://127.0.0.1:${port}/jwks.json` },
    'https://acme.atlassian.net',
  );
});

afterAll(async () => {
  rmSync(certDir, { recursive: true, force: true });
  await new Promise<void>((r) => jwksServer.close(() => r()));
});

const now = () => Math.floor(Date.now() / 1000);

async function sign(claims: JWTPayload, key: KeyObject, header: Record<string, unknown> = {}): Promise<string> {
  const alg = (header.alg as string | undefined) ?? 'RS256';
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}

const unsigned = (claims: JWTPayload) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

const hs256WithPublicPem = (claims: JWTPayload, publicPem: string) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(publicPem));

function drop(claims: JWTPayload, ...names: string[]): JWTPayload {
  const out = { ...claims };
  for (const n of names) delete out[n];
  return out;
}

async function reason(p: Promise<unknown>): Promise<RejectionReason> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SessionRejection) return err.reason;
    throw err;
  }
  throw new Error('expected a rejection, but the token was accepted');
}

describe('Zendesk signed-URL JWT', () => {
  const claims = (over: JWTPayload = {}): JWTPayload => ({
    iss: 'https://acme.zendesk.com',
    aud: 'https://acme.zendesk.com/api/v2/apps/installations/111.json',
    sub: 'https://acme.zendesk.com/api/v2/users/987654.json',
    iat: now(),
    nbf: now(),
    exp: now() + 300,
    context: { product: 'support', location: 'ticket_sidebar' },
    ...over,
  });
  const verify = (token: string) => verifyZendeskToken(deps(), token, '42');

  it('accepts a good token, picks the tenant by aud and the agent from sub', async () => {
    const v = await verify(await sign(claims(), acmeZd.privateKey));
    expect(v.tenant.id).toBe(acme.id);
    expect(v.agentId).toBe('987654');
    expect(v.ticketId).toBe('42');
    // Both issuer spellings seen in the wild.
    await expect(verify(await sign(claims({ iss: 'acme.zendesk.com' }), acmeZd.privateKey))).resolves.toBeTruthy();
  });

  it("checks a development tenant against Zendesk's own URLs, never its stand-in base URL", async () => {
    const zendeskClaims = {
      aud: 'https://local.zendesk.com/api/v2/apps/installations/333.json',
      iss: 'local.zendesk.com',
      sub: 'https://local.zendesk.com/api/v2/users/5.json',
    };
    const good = await verify(await sign(claims(zendeskClaims), acmeZd.privateKey));
    expect(good.tenant.id).toBe(local.id);
    expect(good.agentId).toBe('5');
    const standIn = 'http://127.0.0.1:9/zendesk';
    expect(
      await reason(
        verify(await sign(claims({ ...zendeskClaims, aud: `${standIn}/api/v2/apps/installations/333.json` }), acmeZd.privateKey)),
      ),
    ).toBe('wrong_audience');
    expect(await reason(verify(await sign(claims({ ...zendeskClaims, iss: 'http://127.0.0.1:9' }), acmeZd.privateKey)))).toBe(
      'wrong_issuer',
    );
    expect(await reason(verify(await sign(claims({ ...zendeskClaims, sub: `${standIn}/api/v2/users/5.json` }), acmeZd.privateKey)))).toBe(
      'claims_missing',
    );
  });

  it.each<[string, () => Promise<string>, RejectionReason]>([
    ['a forged signature', () => sign(claims(), stranger.privateKey), 'bad_signature'],
    ["another tenant's key", () => sign(claims(), globexZd.privateKey), 'bad_signature'],
    [
      'an expired token (beyond 30 s of skew)',
      () => sign(claims({ iat: now() - 400, nbf: now() - 400, exp: now() - 31 }), acmeZd.privateKey),
      'expired',
    ],
    ['a token from the future', () => sign(claims({ nbf: now() + 120 }), acmeZd.privateKey), 'not_yet_valid'],
    [
      'an unknown installation',
      () => sign(claims({ aud: 'https://acme.zendesk.com/api/v2/apps/installations/999.json' }), acmeZd.privateKey),
      'unknown_tenant',
    ],
    ['an aud that is not an installation', () => sign(claims({ aud: 'https://acme.zendesk.com/' }), acmeZd.privateKey), 'wrong_audience'],
    [
      "another account's aud for this installation",
      () => sign(claims({ aud: 'https://globex.zendesk.com/api/v2/apps/installations/111.json' }), acmeZd.privateKey),
      'unknown_tenant',
    ],
    ['a wrong issuer', () => sign(claims({ iss: 'https://globex.zendesk.com' }), acmeZd.privateKey), 'wrong_issuer'],
    ['no exp', () => sign(drop(claims(), 'exp'), acmeZd.privateKey), 'claims_missing'],
    ['no iat', () => sign(drop(claims(), 'iat'), acmeZd.privateKey), 'claims_missing'],
    ['no sub', () => sign(drop(claims(), 'sub'), acmeZd.privateKey), 'claims_missing'],
    ['a bare user id as sub', () => sign(claims({ sub: '987654' }), acmeZd.privateKey), 'claims_missing'],
    [
      'a user URL of another account as sub',
      () => sign(claims({ sub: 'https://globex.zendesk.com/api/v2/users/987654.json' }), acmeZd.privateKey),
      'claims_missing',
    ],
    [
      'a user URL without .json as sub',
      () => sign(claims({ sub: 'https://acme.zendesk.com/api/v2/users/987654' }), acmeZd.privateKey),
      'claims_missing',
    ],
    [
      'an http aud',
      () => sign(claims({ aud: 'http://acme.zendesk.com/api/v2/apps/installations/111.json' }), acmeZd.privateKey),
      'wrong_audience',
    ],
    ['no aud', () => sign(drop(claims(), 'aud'), acmeZd.privateKey), 'claims_missing'],
    ['alg none', async () => unsigned(claims()), 'alg_not_allowed'],
    ['HS256 keyed with the public key', () => hs256WithPublicPem(claims(), acme.verification.publicKeyPem!), 'alg_not_allowed'],
    ['garbage', async () => 'not.a-jwt.at-all-really', 'malformed'],
  ])('refuses %s', async (_name, token, expected) => {
    expect(await reason(verify(await token()))).toBe(expected);
  });

  it('tolerates up to 30 s of clock skew on exp', async () => {
    await expect(
      verify(await sign(claims({ iat: now() - 300, nbf: now() - 300, exp: now() - 20 }), acmeZd.privateKey)),
    ).resolves.toBeTruthy();
  });
});

describe('ServiceNow instance JWT', () => {
  const claims = (over: JWTPayload = {}): JWTPayload => ({
    iss: 'acme',
    aud: 'vouchsafe',
    sub: 'b'.repeat(32),
    name: 'Jane Doe',
    table: 'incident',
    sys_id: SYS_ID,
    iat: now(),
    exp: now() + 60,
    jti: randomUUID(),
    ...over,
  });
  const verify = (token: string, record = { table: 'incident', sysId: SYS_ID }) => verifyServiceNowToken(deps(), token, record);

  it('accepts a token verified with the tenant certificate, binding the record and the agent name', async () => {
    const v = await verify(await sign(claims(), sn.privateKey));
    expect(v.tenant.id).toBe(serviceNow.id);
    expect(v.ticketId).toBe(`incident:${SYS_ID}`);
    expect(v.agentId).toBe('b'.repeat(32));
    expect(v.agentName).toBe('Jane Doe');
  });

  it.each<[string, () => Promise<string>, RejectionReason]>([
    ['a forged signature', () => sign(claims(), stranger.privateKey), 'bad_signature'],
    ["another desk's key", () => sign(claims(), acmeZd.privateKey), 'bad_signature'],
    ['an expired token', () => sign(claims({ iat: now() - 200, exp: now() - 60 }), sn.privateKey), 'expired'],
    ['a wrong audience', () => sign(claims({ aud: 'someone-else' }), sn.privateKey), 'wrong_audience'],
    ['an unknown instance', () => sign(claims({ iss: 'globex' }), sn.privateKey), 'unknown_tenant'],
    ['no iss', () => sign(drop(claims(), 'iss'), sn.privateKey), 'claims_missing'],
    ['no table claim', () => sign(drop(claims(), 'table'), sn.privateKey), 'claims_missing'],
    ['no sys_id claim', () => sign(drop(claims(), 'sys_id'), sn.privateKey), 'claims_missing'],
    ['no exp', () => sign(drop(claims(), 'exp'), sn.privateKey), 'claims_missing'],
    ['a token for another record', () => sign(claims({ sys_id: 'c'.repeat(32) }), sn.privateKey), 'ticket_mismatch'],
    ['a token for another table', () => sign(claims({ table: 'problem' }), sn.privateKey), 'ticket_mismatch'],
    ['alg none', async () => unsigned(claims()), 'alg_not_allowed'],
    ['HS256 keyed with the certificate', () => hs256WithPublicPem(claims(), serviceNow.verification.certificatePem!), 'alg_not_allowed'],
  ])('refuses %s', async (_name, token, expected) => {
    expect(await reason(verify(await token()))).toBe(expected);
  });
});

describe('Forge Invocation Token', () => {
  const claims = (over: JWTPayload = {}): JWTPayload => ({
    iss: 'forge/invocation-token',
    aud: JIRA_APP,
    principal: '5b10ac8d82e05b22cc7d4ef5',
    context: { cloudId: JIRA_CLOUD, extension: { type: 'jira:issueContext', issue: { key: 'HELP-42' } } },
    app: { id: JIRA_APP },
    iat: now(),
    nbf: now(),
    exp: now() + 25,
    jti: randomUUID(),
    ...over,
  });
  const signForge = (c: JWTPayload, key: KeyObject = forge.privateKey) => sign(c, key, { kid: 'forge-1' });
  const verify = (token: string, issueKey = 'HELP-42') => verifyForgeToken(deps(), token, issueKey);

  it('accepts a token signed by a key of the JWKS; the agent is the principal', async () => {
    const v = await verify(await signForge(claims()));
    expect(v.tenant.id).toBe(jira.id);
    expect(v.agentId).toBe('5b10ac8d82e05b22cc7d4ef5');
    expect(v.ticketId).toBe('HELP-42');
    expect(jwksHits).toBeGreaterThan(0);
  });

  it.each<[string, () => Promise<string>, RejectionReason]>([
    ['a forged signature (same kid)', () => signForge(claims(), stranger.privateKey), 'bad_signature'],
    ['a kid the JWKS does not have', () => sign(claims(), forge.privateKey, { kid: 'other' }), 'bad_signature'],
    ['an expired token', () => signForge(claims({ iat: now() - 120, nbf: now() - 120, exp: now() - 95 })), 'expired'],
    ['another app as audience', () => signForge(claims({ aud: `ari:cloud:ecosystem::app/${randomUUID()}` })), 'wrong_audience'],
    ['a wrong issuer', () => signForge(claims({ iss: 'forge/other' })), 'wrong_issuer'],
    ['an unknown site', () => signForge(claims({ context: { cloudId: randomUUID() } })), 'unknown_tenant'],
    ['no context', () => signForge(drop(claims(), 'context')), 'claims_missing'],
    ['no principal', () => signForge(drop(claims(), 'principal')), 'claims_missing'],
    ['no exp', () => signForge(drop(claims(), 'exp')), 'claims_missing'],
    [
      'a token naming another issue',
      () => signForge(claims({ context: { cloudId: JIRA_CLOUD, extension: { issue: { key: 'HELP-7' } } } })),
      'ticket_mismatch',
    ],
    ['alg none', async () => unsigned(claims()), 'alg_not_allowed'],
    ['HS256 keyed with the public key', () => hs256WithPublicPem(claims(), pem(forge.publicKey)), 'alg_not_allowed'],
  ])('refuses %s', async (_name, token, expected) => {
    expect(await reason(verify(await token()))).toBe(expected);
  });

  it('fetches the key set through the outbound guard: under the production policy a loopback JWKS is refused, unfetched', async () => {
    const hitsBefore = jwksHits;
    const strict = createOutbound({ isHttpAllowed: false, isAnyAddressAllowed: false, allow: [] });
    try {
      const err = await verifyForgeToken({ ...deps(), fetch: strict.fetch }, await signForge(claims()), 'HELP-42').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'helpdesk_unavailable' });
      expect(jwksHits).toBe(hitsBefore);
    } finally {
      await strict.close();
    }
  });
});
