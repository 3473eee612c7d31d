import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importPKCS8, SignJWT } from 'jose';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOktaStandIn, startOktaStandIn, type StartedOktaStandIn } from './okta.stand-in';
import type { OktaServiceAppCredentials } from './okta.oauth';

let okta: StartedOktaStandIn;
const PRIYA = 'priya.natarajan@customer.test';

beforeAll(async () => {
  okta = await startOktaStandIn();
});
afterAll(() => okta.close());
beforeEach(() => okta.reset());

const api = (path: string, init: RequestInit = {}, auth = `SSWS ${okta.apiToken}`) =>
  fetch(`${okta.url}${path}`, {
    ...init,
    headers: { Authorization: auth, 'User-Agent': 'test', 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });

async function startPush(login = PRIYA) {
  const user = okta.state.requireUser(login);
  const factor = user.factors.find((f) => f.factorType === 'push')!;
  const res = await api(`/api/v1/users/${user.id}/factors/${factor.id}/verify`, {
    method: 'POST',
    body: JSON.stringify({ useNumberMatchingChallenge: true }),
  });
  expect(res.status).toBe(201);
  return okta.state.lastTransaction(login)!;
}

async function assertion(app: OktaServiceAppCredentials, overrides: { aud?: string; jti?: string } = {}) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(overrides.aud ?? `${okta.url}/oauth2/v1/token`)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(overrides.jti ?? crypto.randomUUID())
    .sign(await importPKCS8(app.privateKeyPem, 'RS256'));
}

const token = (fields: Record<string, string>) =>
  fetch(`${okta.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

describe('seed', () => {
  it('has the desk requesters with push factors (one enrolled an hour ago) and one sms-only user', () => {
    const ages = ['priya.natarajan@customer.test', 'lukas.becker@customer.test', 'amara.okafor@customer.test'].map((login) => {
      const push = okta.state.requireUser(login).factors.find((f) => f.factorType === 'push')!;
      return Math.round((Date.now() - push.created.getTime()) / 3_600_000);
    });
    expect(ages).toEqual([90 * 24, 1, 400 * 24]);
    expect(okta.state.requireUser('noah.kim@customer.test').factors.map((f) => f.factorType)).toEqual(['sms']);
  });
});

describe('API guards', () => {
  it('requires a User-Agent and a valid SSWS token; logs credentials by scheme only', async () => {
    const noUa = await fetch(`${okta.url}/api/v1/users/${encodeURIComponent(PRIYA)}`, {
      headers: { Authorization: `SSWS ${okta.apiToken}`, 'User-Agent': '' },
    });
    expect(noUa.status).toBe(400);
    expect(((await noUa.json()) as { errorCode: string }).errorCode).toBe('E0000001');
    const bad = await api(`/api/v1/users/${encodeURIComponent(PRIYA)}`, {}, 'SSWS nope');
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { errorCode: string }).errorCode).toBe('E0000011');
    expect((await api(`/api/v1/users/${encodeURIComponent(PRIYA)}`)).status).toBe(200);
    expect(JSON.stringify(okta.requests())).not.toContain(okta.apiToken);
    expect(okta.requests().map((e) => e.headers.authorization)).toEqual([`SSWS ***`, 'SSWS ***', 'SSWS ***']);
  });
});

describe('token endpoint (private_key_jwt)', () => {
  it('issues a Bearer token for a valid assertion and refuses a wrong key, audience, replay or scope', async () => {
    const app = okta.createServiceApp();
    const base = {
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    };
    const jti = crypto.randomUUID();
    const ok = await token({ ...base, client_assertion: await assertion(app, { jti }) });
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    expect((await api(`/api/v1/users/${encodeURIComponent(PRIYA)}`, {}, `Bearer ${access_token}`)).status).toBe(200);
    expect((await token({ ...base, client_assertion: await assertion(app, { jti }) })).status).toBe(401);
    const other = okta.createServiceApp();
    expect((await token({ ...base, client_assertion: await assertion({ ...app, privateKeyPem: other.privateKeyPem }) })).status).toBe(401);
    expect(
      (await token({ ...base, client_assertion: await assertion(app, { aud: 'https://elsewhere.okta.com/oauth2/v1/token' }) })).status,
    ).toBe(401);
    expect((await token({ ...base, scope: 'okta.apps.manage', client_assertion: await assertion(app) })).status).toBe(400);
    expect((await token({ ...base, grant_type: 'password', client_assertion: await assertion(app) })).status).toBe(400);
    expect((await api(`/api/v1/users/${encodeURIComponent(PRIYA)}`, {}, 'Bearer made-up')).status).toBe(401);
  });
});

describe('outcomes and the phone', () => {
  it('manual pushes wait for the phone page: JSON list, HTML page with the number choices, form approve', async () => {
    const tx = await startPush();
    const list = (await (await fetch(`${okta.url}/__phone/okta/pending`)).json()) as {
      pending: { transactionId: string; choices: number[] }[];
    };
    expect(list.pending).toHaveLength(1);
    expect(list.pending[0]!.transactionId).toBe(tx.id);
    expect(list.pending[0]!.choices).toHaveLength(3);
    expect(list.pending[0]!.choices).toContain(tx.correctAnswer);
    const page = await fetch(`${okta.url}/__phone/okta/pending`, { headers: { Accept: 'text/html' } });
    const html = await page.text();
    for (const n of tx.choices) expect(html).toContain(`value="${n}"`);
    expect(html).not.toContain(PRIYA);
    const posted = await fetch(`${okta.url}/__phone/okta/${encodeURIComponent(tx.id)}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `answer=${tx.correctAnswer}`,
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(new URL(posted.headers.get('location')!, posted.url).pathname).toBe('/__phone/okta/pending');
    expect(tx.result).toBe('SUCCESS');
    expect((await fetch(`${okta.url}/__phone/okta/${encodeURIComponent(tx.id)}/deny`, { method: 'POST' })).status).toBe(409);
  });

  it('deny over JSON, and outcomes scripted over HTTP', async () => {
    const tx = await startPush();
    const denied = await fetch(`${okta.url}/__phone/okta/${encodeURIComponent(tx.id)}/deny`, { method: 'POST' });
    expect(await denied.json()).toEqual({ factorResult: 'REJECTED' });
    const put = await fetch(`${okta.url}/__phone/okta/users/${encodeURIComponent(PRIYA)}/outcome`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ outcome: 'unknown', unknownState: 'MAYBE' }),
    });
    expect(put.status).toBe(204);
    const next = await startPush();
    const poll = await api(`/api/v1/users/${next.userId}/factors/${next.factorId}/transactions/${next.id}`);
    expect(((await poll.json()) as { factorResult: string }).factorResult).toBe('MAYBE');
    const bad = await fetch(`${okta.url}/__phone/okta/users/${encodeURIComponent(PRIYA)}/outcome`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"outcome":"maybe"}',
    });
    expect(bad.status).toBe(400);
  });

  it('an expired push answers TIMEOUT and leaves the pending list', async () => {
    const tx = await startPush();
    tx.expiresAt = new Date(Date.now() - 1);
    const poll = await api(`/api/v1/users/${tx.userId}/factors/${tx.factorId}/transactions/${tx.id}`);
    expect(((await poll.json()) as { factorResult: string }).factorResult).toBe('TIMEOUT');
    expect(okta.state.pending()).toEqual([]);
  });
});

describe('mounted under a path', () => {
  it('serves the org below the prefix, with links and the token audience under it', async () => {
    const standIn = createOktaStandIn();
    const app = express().use('/okta', standIn.router);
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const org = `http://127.0.0.1:${(server.address() as AddressInfo).port}/okta`;
    try {
      const user = standIn.state.requireUser(PRIYA);
      const factor = user.factors[0]!;
      const res = await fetch(`${org}/api/v1/users/${user.id}/factors/${factor.id}/verify`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${standIn.apiToken}`, 'User-Agent': 'test', 'Content-Type': 'application/json' },
        body: '{"useNumberMatchingChallenge":true}',
      });
      const body = (await res.json()) as { _links: { poll: { href: string } } };
      expect(body._links.poll.href.startsWith(`${org}/api/v1/users/${user.id}/factors/${factor.id}/transactions/`)).toBe(true);
      const appCreds = standIn.createServiceApp();
      const signed = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(appCreds.clientId)
        .setSubject(appCreds.clientId)
        .setAudience(`${org}/oauth2/v1/token`)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(await importPKCS8(appCreds.privateKeyPem, 'RS256'));
      const tokenRes = await fetch(`${org}/oauth2/v1/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'okta.users.read',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: signed,
        }),
      });
      expect(tokenRes.status).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
