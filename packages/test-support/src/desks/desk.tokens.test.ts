import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, importSPKI, jwtVerify, type JWTVerifyOptions } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_ACCOUNTS } from './desk.accounts';
import { createDeskStandIns, startDeskStandIns, type StartedDeskStandIns } from './stand-ins';

let desks: StartedDeskStandIns;
beforeAll(async () => {
  desks = await startDeskStandIns();
});
afterAll(() => desks.close());

const RS256: JWTVerifyOptions = { algorithms: ['RS256'] };

describe('zendesk signed-URL tokens', () => {
  const verify = async (token: string, options: JWTVerifyOptions = {}) =>
    jwtVerify(token, await importSPKI(desks.keys.zendeskPublicKeyPem, 'RS256'), {
      ...RS256,
      audience: `https://acme.zendesk.com/api/v2/apps/installations/${DESK_ACCOUNTS.zendesk.installationId}.json`,
      issuer: 'https://acme.zendesk.com',
      ...options,
    });

  it("carries Zendesk's own claims (research §1.2), not the stand-in's address, and verifies with the published key", async () => {
    const { payload, protectedHeader } = await verify(await desks.mint.zendesk({ agentId: 9001 }));
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'https://acme.zendesk.com',
      aud: `https://acme.zendesk.com/api/v2/apps/installations/${DESK_ACCOUNTS.zendesk.installationId}.json`,
      sub: 'https://acme.zendesk.com/api/v2/users/9001.json',
      iat: expect.any(Number),
      nbf: payload.iat,
      exp: payload.iat! + 300,
      context: { product: 'support', location: 'ticket_sidebar' },
    });
    expect(JSON.stringify(payload)).not.toContain(desks.url);
  });

  it('spells iss either way, and names another account when asked', async () => {
    const host = await verify(await desks.mint.zendesk({ agentId: 9001, issuer: 'host' }), { issuer: 'acme.zendesk.com' });
    expect(host.payload.iss).toBe('acme.zendesk.com');
    const globex = await verify(await desks.mint.zendesk({ agentId: 7, subdomain: 'globex' }), {
      audience: `https://globex.zendesk.com/api/v2/apps/installations/${DESK_ACCOUNTS.zendesk.installationId}.json`,
      issuer: 'https://globex.zendesk.com',
    });
    expect(globex.payload.sub).toBe('https://globex.zendesk.com/api/v2/users/7.json');
  });

  it('spoils tokens on request', async () => {
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    await expect(verify(await desks.mint.zendesk({ agentId: 9001, now: hourAgo }))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(verify(await desks.mint.zendesk({ agentId: 9001, installationId: '1' }))).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    await expect(
      verify(await desks.mint.zendesk({ agentId: 9001, overrides: { claims: { iss: 'evil.zendesk.com' } } })),
    ).rejects.toMatchObject({ claim: 'iss' });
    await expect(verify(await desks.mint.zendesk({ agentId: 9001, overrides: { signWith: 'stranger' } }))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    const none = await desks.mint.zendesk({ agentId: 9001, overrides: { signWith: 'none' } });
    expect(decodeProtectedHeader(none).alg).toBe('none');
    await expect(verify(none)).rejects.toThrow();
    const confused = await desks.mint.zendesk({ agentId: 9001, overrides: { signWith: 'hs256-public-key' } });
    expect(decodeProtectedHeader(confused).alg).toBe('HS256');
    await expect(verify(confused)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    const noSub = await verify(await desks.mint.zendesk({ agentId: 9001, overrides: { claims: { sub: undefined } } }));
    expect(noSub.payload.sub).toBeUndefined();
  });
});

describe('servicenow instance tokens', () => {
  it('carries instance, audience, agent and record, 60 s, and verifies with the published key', async () => {
    const incident = desks.state.servicenow.tickets[0]!;
    const agent = desks.state.servicenow.agents[0]!;
    const token = await desks.mint.servicenow({ sysId: incident.id, agentSysId: agent.id });
    const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(desks.keys.serviceNowPublicKeyPem, 'RS256'), {
      ...RS256,
      issuer: 'acme',
      audience: 'vouchsafe',
    });
    expect(protectedHeader).toEqual({ typ: 'JWT', alg: 'RS256' });
    expect(payload).toMatchObject({ sub: agent.id, name: 'Jane Doe', table: 'incident', sys_id: incident.id, jti: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(60);
  });
});

describe('forge invocation tokens', () => {
  it('carries research §2.1 claims with a kid that the served JWKS resolves', async () => {
    const agent = desks.state.jira.agents[0]!;
    const token = await desks.mint.forge({ accountId: agent.id, issueKey: 'HELP-2' });
    const jwks = createRemoteJWKSet(new URL(`${desks.url}/jira/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      ...RS256,
      issuer: 'forge/invocation-token',
      audience: DESK_ACCOUNTS.jira.appId,
    });
    expect(protectedHeader.kid).toBe(desks.keys.forgeKid);
    expect(payload).toMatchObject({
      principal: agent.id,
      app: {
        id: DESK_ACCOUNTS.jira.appId,
        installationId: DESK_ACCOUNTS.jira.installationId,
        apiBaseUrl: `${desks.url}/jira`,
        module: { type: 'jira:issueContext' },
      },
      context: {
        cloudId: DESK_ACCOUNTS.jira.cloudId,
        siteUrl: `${desks.url}/jira`,
        extension: { type: 'jira:issueContext', issue: { key: 'HELP-2', id: '10002' } },
      },
    });
    expect(payload.exp! - payload.iat!).toBe(60);
    const stranger = await desks.mint.forge({ accountId: agent.id, overrides: { signWith: 'stranger' } });
    expect(decodeProtectedHeader(stranger).kid).toBe(desks.keys.forgeKid);
    await expect(jwtVerify(stranger, jwks, RS256)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    const unbound = await jwtVerify(await desks.mint.forge({ accountId: agent.id }), jwks, RS256);
    expect((unbound.payload.context as any).extension.issue).toBeUndefined();
  });
});

describe('key material', () => {
  it('exports private JWKs that recreate the same public material', async () => {
    const again = await createDeskStandIns({ keys: desks.keys.export(), baseUrl: desks.url });
    expect(again.keys.zendeskPublicKeyPem).toBe(desks.keys.zendeskPublicKeyPem);
    expect(again.keys.serviceNowPublicKeyPem).toBe(desks.keys.serviceNowPublicKeyPem);
    expect(again.keys.jwks).toEqual(desks.keys.jwks);
    const token = await again.mint.zendesk({ agentId: 9002 });
    await expect(jwtVerify(token, await importSPKI(desks.keys.zendeskPublicKeyPem, 'RS256'), RS256)).resolves.toBeDefined();
  });

  it('refuses to mint URL-bound (Forge) tokens before it knows its URL; Zendesk tokens name Zendesk, not the URL', async () => {
    const unstarted = await createDeskStandIns({ keys: desks.keys.export() });
    const accountId = desks.state.jira.agents[0]!.id;
    await expect(unstarted.mint.forge({ accountId })).rejects.toThrow(/no URL yet/);
    const zendesk = await jwtVerify(
      await unstarted.mint.zendesk({ agentId: 9001 }),
      await importSPKI(desks.keys.zendeskPublicKeyPem, 'RS256'),
      RS256,
    );
    expect(zendesk.payload.aud).toBe(`https://acme.zendesk.com/api/v2/apps/installations/${DESK_ACCOUNTS.zendesk.installationId}.json`);
    unstarted.setBaseUrl('http://127.0.0.1:1/');
    const { payload } = await jwtVerify(await unstarted.mint.forge({ accountId }), createLocalJWKSet(desks.keys.jwks), RS256);
    expect((payload.app as any).apiBaseUrl).toBe('http://127.0.0.1:1/jira');
  });
});
