import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startApi } from '../../api';
import { canonicalRequest, parseParams, percentEncode, signRequest } from './duo.signature';
import { DUO_INTERCEPT_MODULE, DUO_STANDIN_ENV, DUO_TEST_CREDENTIALS, startDuoStandIn, type StartedDuoStandIn } from './duo.stand-in';
import { setDuoStandIn } from './intercept';

const { apiHost, integrationKey, secretKey } = DUO_TEST_CREDENTIALS;
let duo: StartedDuoStandIn;

beforeAll(async () => {
  duo = await startDuoStandIn();
});
afterAll(() => duo.close());
beforeEach(() => duo.reset());

/** A signed Auth API call straight to the stand-in (plain HTTP), with optional tampering after signing. */
async function call(
  method: 'GET' | 'POST',
  route: string,
  params: Record<string, string>,
  opts: { ikey?: string; skey?: string; date?: string; sent?: Record<string, string>; host?: string; noAuth?: boolean } = {},
) {
  const date = opts.date ?? new Date().toUTCString();
  const signed = new Map(Object.entries(params).map(([k, v]) => [k, [v]]));
  const canon = canonicalRequest({ date, method, host: opts.host ?? apiHost, path: route, params: signed });
  const encoded = new URLSearchParams(opts.sent ?? params).toString();
  const headers: Record<string, string> = { date };
  if (!opts.noAuth) headers.authorization = signRequest(opts.ikey ?? integrationKey, opts.skey ?? secretKey, canon);
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(`${duo.url}${route}${method === 'GET' && encoded ? `?${encoded}` : ''}`, {
    method,
    headers,
    ...(method === 'POST' ? { body: encoded } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('Auth API signatures', () => {
  it('percent-encodes every byte but unreserved characters, upper-case hex', () => {
    expect(percentEncode("a b!'()*~_.-é@")).toBe('a%20b%21%27%28%29%2A~_.-%C3%A9%40');
    const canon = canonicalRequest({
      date: 'D',
      method: 'post',
      host: 'API-X.duosecurity.com',
      path: '/p',
      params: parseParams('z=1&a=2&a=3&b=x%20y'),
    });
    expect(canon).toBe('D\nPOST\napi-x.duosecurity.com\n/p\na=2&a=3&b=x%20y&z=1');
  });

  it('accepts a correctly signed request (GET query and POST body)', async () => {
    expect(await call('GET', '/auth/v2/check', {})).toMatchObject({
      status: 200,
      body: { stat: 'OK', response: { time: expect.any(Number) } },
    });
    const pre = await call('POST', '/auth/v2/preauth', { username: 'priya.natarajan@customer.test', client_supports_verified_push: '1' });
    expect(pre).toMatchObject({
      status: 200,
      body: {
        stat: 'OK',
        response: { result: 'auth', devices: [expect.objectContaining({ capabilities: expect.arrayContaining(['push']) })] },
      },
    });
  });

  it('rejects a tampered parameter, a wrong secret key, another host and a stale date with Duo’s 40103', async () => {
    const invalid = { status: 401, body: { stat: 'FAIL', code: 40103, message: 'Invalid signature in request credentials' } };
    const params = { username: 'priya.natarajan@customer.test' };
    expect(await call('POST', '/auth/v2/preauth', params, { sent: { username: 'lukas.becker@customer.test' } })).toEqual(invalid);
    expect(await call('POST', '/auth/v2/preauth', params, { skey: 'x'.repeat(40) })).toEqual(invalid);
    expect(await call('POST', '/auth/v2/preauth', params, { host: 'api-other.duosecurity.com' })).toEqual(invalid);
    expect(await call('POST', '/auth/v2/preauth', params, { date: new Date(Date.now() - 3_600_000).toUTCString() })).toEqual(invalid);
    expect(duo.log.filter((e) => e.status === 401)).toHaveLength(4);
  });

  it('answers 40102 for an unknown integration key and 40101 without credentials', async () => {
    expect(await call('GET', '/auth/v2/check', {}, { ikey: 'DINOPE' })).toMatchObject({ status: 401, body: { code: 40102, stat: 'FAIL' } });
    expect(await call('GET', '/auth/v2/check', {}, { noAuth: true })).toMatchObject({ status: 401, body: { code: 40101, stat: 'FAIL' } });
  });
});

describe('pushes', () => {
  it('scripted and manual outcomes, long-polled auth_status, the phone page', async () => {
    duo.setUser('priya.natarajan@customer.test', { outcome: 'manual' });
    const auth = await call('POST', '/auth/v2/auth', {
      username: 'priya.natarajan@customer.test',
      factor: 'push',
      device: 'auto',
      async: '1',
      pushinfo: 'from=desk',
    });
    const txid = auth.body.response.txid as string;
    expect(await call('GET', '/auth/v2/auth_status', { txid })).toMatchObject({
      body: { response: { result: 'waiting', status: 'pushed' } },
    });
    const page = await (await fetch(`${duo.url}/__phone/duo/pending`)).text();
    expect(page).toContain(txid);
    const polled = call('GET', '/auth/v2/auth_status', { txid });
    const form = await fetch(`${duo.url}/__phone/duo/${txid}/deny`, {
      method: 'POST',
      body: new URLSearchParams({ fraud: '1' }),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(await polled).toMatchObject({ body: { response: { result: 'deny', status: 'fraud' } } });
    expect(duo.pending()).toEqual([]);
  });

  it('unknown users, wrong factors and unknown transactions get Duo’s 400 answers', async () => {
    expect(await call('POST', '/auth/v2/auth', { username: 'nobody@customer.test', factor: 'push', async: '1' })).toMatchObject({
      status: 400,
      body: { code: 40002 },
    });
    expect(await call('POST', '/auth/v2/auth', { username: 'priya.natarajan@customer.test', factor: 'sms' })).toMatchObject({
      status: 400,
      body: { code: 40002 },
    });
    expect(await call('GET', '/auth/v2/auth_status', { txid: 'nope' })).toMatchObject({ status: 400, body: { code: 40002 } });
  });
});

describe('Universal Prompt', () => {
  it('refuses a request object not signed with the client secret', async () => {
    const { clientId } = DUO_TEST_CREDENTIALS.universal;
    const redirect = 'http://127.0.0.1:9/cb';
    const request = await new SignJWT({
      client_id: clientId,
      redirect_uri: redirect,
      state: 's'.repeat(30),
      duo_uname: 'priya.natarajan@customer.test',
    })
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuer(clientId)
      .setAudience(`https://${apiHost}`)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('y'.repeat(40)));
    const url = `${duo.url}/oauth/v1/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, request, redirect_uri: redirect, scope: 'openid' })}`;
    expect((await fetch(url)).status).toBe(400);
  });
});

describe('interception', () => {
  afterAll(() => setDuoStandIn(undefined));

  it('reroutes https requests for Duo hosts in this process to the stand-in', async () => {
    setDuoStandIn(duo.url);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`https://${apiHost}/auth/v2/ping`, { ca: 'pinned CAs are ignored' }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ stat: 'OK' });
    expect(duo.log.at(-1)).toMatchObject({ api: 'auth', path: '/auth/v2/ping', status: 200 });
  });

  it('leaves other hosts alone', async () => {
    const error = await new Promise<Error>((resolve) => {
      https.get('https://127.0.0.1:1/', () => resolve(new Error('answered'))).on('error', resolve);
    });
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('reaches a spawned process through startApi imports + the environment', async () => {
    const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'intercept-probe.fixture.ts');
    const api = await startApi({
      databaseUrl: 'postgres://unused',
      entry,
      imports: [DUO_INTERCEPT_MODULE],
      env: { [DUO_STANDIN_ENV]: duo.url },
    });
    try {
      const res = await fetch(`${api.url}/probe`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ stat: 'OK' });
    } finally {
      await api.stop();
    }
    // The destination is the environment's: a closed port there means no answer (and no trip to the real Duo).
    const closed = await startApi({
      databaseUrl: 'postgres://unused',
      entry,
      imports: [DUO_INTERCEPT_MODULE],
      env: { [DUO_STANDIN_ENV]: 'http://127.0.0.1:1' },
    });
    try {
      expect((await fetch(`${closed.url}/probe`)).status).toBe(502);
    } finally {
      await closed.stop();
    }
  });
});
