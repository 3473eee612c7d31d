import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadOktaContract, OKTA_SPEC_PATH, type OktaContract } from './okta.contract';
import type { OktaServiceAppCredentials } from './okta.oauth';
import { OKTA_TEST_API_TOKEN, startOktaStandIn, type StartedOktaStandIn } from './okta.stand-in';
import type { OktaOutcome } from './okta.state';

/**
 * Okta contract suite (run by `npm test` and so by `.ci/run`): every answer the stand-in gives on the Management API
 * operations Vouchsafe uses validates against ../shared/specs/okta/management.yaml, read at test time. The requests
 * the real @okta/okta-sdk-nodejs sends through the Okta provider are checked with the same `loadOktaContract()` in
 * services/api/src/providers/okta/okta.provider.test.ts (the SDK is a dependency of the API, not of this package).
 * A missing document fails this suite (beforeAll throws): it never skips.
 */

const UA = 'okta-sdk-nodejs/8.1.0 node/v20 linux/6 (contract test)';
let contract: OktaContract;
let okta: StartedOktaStandIn;

beforeAll(async () => {
  contract = loadOktaContract();
  okta = await startOktaStandIn();
});
afterAll(() => okta.close());
beforeEach(() => okta.reset());

async function call(method: string, urlPath: string, body?: unknown, auth = `SSWS ${OKTA_TEST_API_TOKEN}`) {
  const res = await fetch(`${okta.url}${urlPath}`, {
    method,
    headers: { Authorization: auth, 'User-Agent': UA, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** An access token from the stand-in's org authorization server, as the SDK gets one (private_key_jwt). */
async function accessToken(app: OktaServiceAppCredentials): Promise<string> {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: app.keyId })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(`${okta.url}/oauth2/v1/token`)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(crypto.randomUUID())
    .sign(await importPKCS8(app.privateKeyPem, 'RS256'));
  const res = await fetch(`${okta.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: app.scopes.join(' '),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Every exchange in the stand-in's log, checked against the spec; returns the problems. */
function violations(): string[] {
  const entries = okta.requests();
  expect(entries.length).toBeGreaterThan(0);
  return entries.flatMap((entry) => contract.check(entry));
}

async function push(login: string, outcome: OktaOutcome | 'none', numberChallenge = true) {
  const user = (await call('GET', `/api/v1/users/${encodeURIComponent(login)}`)).body;
  const factors = (await call('GET', `/api/v1/users/${user.id}/factors`)).body as any[];
  const factor = factors.find((f) => f.factorType === 'push');
  if (outcome !== 'none') okta.state.setOutcome(login, { outcome, afterPolls: 1 });
  const started = await call(
    'POST',
    `/api/v1/users/${user.id}/factors/${factor.id}/verify`,
    numberChallenge ? { useNumberMatchingChallenge: true } : undefined,
  );
  const poll = new URL(started.body._links.poll.href).pathname;
  return { user, factor, started, poll };
}

describe('the contract document', () => {
  it('is read from <repo>/../shared/specs/okta/management.yaml', () => {
    expect(OKTA_SPEC_PATH).toBe(path.resolve(import.meta.dirname, '../../../../../../shared/specs/okta/management.yaml'));
    expect(contract.match('POST', '/api/v1/users/00u1/factors/opf1/verify')).toEqual({
      template: '/api/v1/users/{userId}/factors/{factorId}/verify',
      operationId: 'verifyFactor',
    });
    expect(contract.match('GET', '/api/v1/users/00u1/factors/opf1/transactions/v2mst.abc')?.operationId).toBe('getFactorTransactionStatus');
    expect(contract.match('GET', '/api/v1/users/priya%40customer.test')?.operationId).toBe('getUser');
    expect(contract.match('GET', '/api/v1/users/00u1/factors')?.operationId).toBe('listFactors');
  });

  it('is required: a missing document is an error that names the path, not a skip', () => {
    expect(() => loadOktaContract('/nonexistent/shared/specs/okta/management.yaml')).toThrow(
      /Okta Management API description is missing at \/nonexistent\/shared\/specs\/okta\/management\.yaml/,
    );
  });

  it('says there is no operation to cancel a push transaction (only GET on the transaction)', () => {
    expect(contract.match('DELETE', '/api/v1/users/00u1/factors/opf1/transactions/v2mst.abc')).toBeUndefined();
    expect(contract.match('POST', '/api/v1/users/00u1/factors/opf1/transactions/v2mst.abc')).toBeUndefined();
  });
});

describe('stand-in answers validate against the spec', () => {
  it('users by login and id, factor lists (push, sms, none)', async () => {
    for (const login of [
      'priya.natarajan@customer.test',
      'lukas.becker@customer.test',
      'amara.okafor@customer.test',
      'noah.kim@customer.test',
    ]) {
      const user = await call('GET', `/api/v1/users/${encodeURIComponent(login)}`);
      expect(user.status).toBe(200);
      expect(user.body.profile.login).toBe(login);
      expect((await call('GET', `/api/v1/users/${user.body.id}`)).status).toBe(200);
      expect((await call('GET', `/api/v1/users/${user.body.id}/factors`)).status).toBe(200);
    }
    expect(violations()).toEqual([]);
  });

  it.each<OktaOutcome>(['approve', 'deny', 'timeout'])('push with number challenge → WAITING → %s', async (outcome) => {
    const { started, poll } = await push('priya.natarajan@customer.test', outcome);
    expect(started.status).toBe(201);
    expect(started.body.factorResult).toBe('WAITING');
    expect(started.body._embedded.challenge.correctAnswer).toEqual(expect.any(Number));
    expect((await call('GET', poll)).body.factorResult).toBe('WAITING');
    const expected = { approve: 'SUCCESS', deny: 'REJECTED', timeout: 'TIMEOUT' }[outcome as 'approve'];
    expect((await call('GET', poll)).body.factorResult).toBe(expected);
    expect((await call('GET', poll)).body.factorResult).toBe(expected);
    expect(violations()).toEqual([]);
  });

  it('a push without number challenge (plain WAITING) and one decided on the phone', async () => {
    const plain = await push('amara.okafor@customer.test', 'none', false);
    expect(plain.started.body._embedded).toBeUndefined();
    const manual = await push('lukas.becker@customer.test', 'manual');
    expect((await call('GET', manual.poll)).body.factorResult).toBe('WAITING');
    okta.approve(manual.poll.split('/').pop()!, manual.started.body._embedded.challenge.correctAnswer);
    expect((await call('GET', manual.poll)).body.factorResult).toBe('SUCCESS');
    expect(violations()).toEqual([]);
  });

  it('errors: unknown user, factor, transaction; non-push factor; bad token; missing scope; rate limit', async () => {
    expect((await call('GET', '/api/v1/users/nobody%40customer.test')).status).toBe(404);
    const noah = (await call('GET', '/api/v1/users/noah.kim%40customer.test')).body;
    const sms = ((await call('GET', `/api/v1/users/${noah.id}/factors`)).body as any[])[0];
    expect((await call('POST', `/api/v1/users/${noah.id}/factors/${sms.id}/verify`, { useNumberMatchingChallenge: true })).status).toBe(
      400,
    );
    expect((await call('POST', `/api/v1/users/${noah.id}/factors/opfNOPE/verify`, { useNumberMatchingChallenge: true })).status).toBe(404);
    expect((await call('GET', `/api/v1/users/${noah.id}/factors/opfNOPE/transactions/v2mst.nope`)).status).toBe(404);
    expect((await call('GET', `/api/v1/users/${noah.id}/factors`, undefined, 'SSWS wrong-token')).status).toBe(401);
    const readOnly = await accessToken(okta.createServiceApp({ scopes: ['okta.users.read'] }));
    expect((await call('GET', `/api/v1/users/${noah.id}/factors`, undefined, `Bearer ${readOnly}`)).status).toBe(200);
    const priya = (await call('GET', '/api/v1/users/priya.natarajan%40customer.test')).body;
    const pushFactor = ((await call('GET', `/api/v1/users/${priya.id}/factors`)).body as any[]).find((f) => f.factorType === 'push');
    const denied = await call(
      'POST',
      `/api/v1/users/${priya.id}/factors/${pushFactor.id}/verify`,
      { useNumberMatchingChallenge: true },
      `Bearer ${readOnly}`,
    );
    expect(denied.status).toBe(403);
    okta.fail(429);
    expect((await call('GET', `/api/v1/users/${noah.id}/factors`)).status).toBe(429);
    expect(violations()).toEqual([]);
  });
});

describe('the checker can fail', () => {
  it('flags an out-of-spec factorResult (the stand-in’s "unknown" outcome) and a missing one', async () => {
    const { poll } = await push('priya.natarajan@customer.test', 'unknown');
    await call('GET', poll);
    await call('GET', poll);
    okta.state.setOutcome('amara.okafor@customer.test', { outcome: 'unknown', unknownState: null });
    const second = await push('amara.okafor@customer.test', 'none');
    await call('GET', second.poll);
    const problems = violations();
    expect(
      problems.some((p) => p.includes('/transactions/') && p.includes('/factorResult must be equal to one of the allowed values')),
    ).toBe(true);
    expect(problems.some((p) => p.includes('/transactions/') && p.includes("must have required property 'factorResult'"))).toBe(true);
    // Everything else the stand-in said in those two pushes was in spec.
    expect(problems.every((p) => p.includes('/transactions/'))).toBe(true);
  });

  it('flags tampered bodies, requests and unknown operations', () => {
    const base = { method: 'GET', path: '/api/v1/users/00u1/factors/opf1/transactions/v2mst.a', status: 200 };
    expect(contract.checkResponse({ ...base, responseBody: { factorResult: 'SUCCESS' } })).toEqual([]);
    expect(contract.checkResponse({ ...base, responseBody: { factorResult: 'MAYBE' } })).not.toEqual([]);
    expect(contract.checkResponse({ ...base, responseBody: { factorResult: 'WAITING', _links: { poll: { nohref: true } } } })).not.toEqual(
      [],
    );
    expect(contract.checkResponse({ ...base, status: 418, responseBody: {} })).not.toEqual([]);
    const verify = {
      method: 'POST',
      path: '/api/v1/users/00u1/factors/opf1/verify',
      headers: { authorization: 'SSWS ***', 'user-agent': UA },
    };
    expect(
      contract.checkResponse({
        ...verify,
        status: 201,
        responseBody: { factorResult: 'WAITING', _embedded: { challenge: { correctAnswer: '42' } } },
      }),
    ).not.toEqual([]);
    expect(contract.checkResponse({ ...verify, status: 201, responseBody: { factorResult: 'SUCCESS' } })).not.toEqual([]);
    expect(contract.checkRequest({ ...verify, requestBody: { useNumberMatchingChallenge: true } })).toEqual([]);
    expect(contract.checkRequest({ ...verify, requestBody: { useNumberMatchingChallenge: 'yes' } })).not.toEqual([]);
    expect(contract.checkRequest({ ...verify, headers: { 'user-agent': UA } })).toEqual([
      'Authorization is neither `SSWS {token}` nor `Bearer {access_token}`',
    ]);
    expect(contract.checkRequest({ ...verify, query: 'bogus=1' })).toEqual(['query parameter bogus is not declared for verifyFactor']);
    expect(contract.checkRequest({ ...verify, method: 'DELETE' })).not.toEqual([]);
    const list = { method: 'GET', path: '/api/v1/users/00u1/factors', status: 200 };
    expect(contract.checkResponse({ ...list, responseBody: [{ factorType: 'push', provider: 'OKTA', status: 'ACTIVE' }] })).toEqual([]);
    expect(contract.checkResponse({ ...list, responseBody: [{ factorType: 'carrier-pigeon' }] })).not.toEqual([]);
    expect(contract.checkResponse({ ...list, responseBody: [{ factorType: 'push', provider: 'DUO' }] })).not.toEqual([]);
    expect(contract.checkResponse({ ...list, responseBody: [{ factorType: 'push', status: 'SLEEPING' }] })).not.toEqual([]);
  });
});
