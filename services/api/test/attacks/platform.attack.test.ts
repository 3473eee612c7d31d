import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildSecretLink, sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { percentEncode } from '../fuzz-support';
import { api } from '../harness';
import {
  SLUGS,
  cli,
  eventually,
  from,
  serviceNowSidebar,
  sidebar,
  startAttackWorld,
  zendeskSidebar,
  type AttackWorld,
} from './attack-world';

/**
 * Issue 8, the platform findings, against two production-mode API processes: outbound addresses (item 3), API-token
 * scopes and failed authentication (4), malformed text (7), throttles across processes and IPv6 networks (10),
 * desk markup in notes (11) and the smaller holes (12). Each test repeats what worked before the fix.
 */

const RATE_LIMIT = 30;
let w: AttackWorld;
let appsDir: string;

beforeAll(async () => {
  // Built sidebar pages (one file each) so the frame-ancestors of each desk's page can be read.
  appsDir = mkdtempSync(path.join(tmpdir(), 'vs-attack-apps-'));
  for (const desk of ['zendesk', 'servicenow']) {
    mkdirSync(path.join(appsDir, desk, 'dist'), { recursive: true });
    writeFileSync(path.join(appsDir, desk, 'dist', 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  }
  w = await startAttackWorld({ env: { VOUCHSAFE_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), VOUCHSAFE_APPS_DIR: appsDir } });
}, 120_000);
afterAll(async () => {
  await w?.close();
  if (appsDir) rmSync(appsDir, { recursive: true, force: true });
});

const count = async (table: 'tenant_idps' | 'tenants' | 'verification_policies' | 'secrets') =>
  Number(
    (
      await w.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('item 3: outbound connections go only to public https addresses (or the operator’s allowlist)', () => {
  it('a discovery document naming an internal token endpoint fails the sign-in before any client secret is sent', async () => {
    // First use of the OIDC connection in these processes, so no discovery document is cached yet.
    w.oidc.editDiscovery((doc) => ({ ...doc, token_endpoint: 'https://[::ffff:a9fe:a9fe]/oauth2/token' }));
    try {
      const ticket = w.desks.state.addTicket('zendesk', { requester: { name: 'Dora Discovery', email: 'dora.discovery@customer.test' } });
      w.oidc.addAccount('dora.discovery@customer.test');
      const s = await zendeskSidebar(w, ticket.ticketId);
      const res = await sidebar(w.a.url, s, 'POST', '/verifications', { method: 'oidc' });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(res.json.state).toBe('failed');
      expect(w.oidc.requests().filter((r) => r.path.includes('token'))).toHaveLength(0);
    } finally {
      w.oidc.editDiscovery(undefined);
    }
  });

  it('every other spelling of a loopback, private or metadata address is refused at registration, nothing stored', async () => {
    const before = await count('tenant_idps');
    const spellings = [
      'https://169.254.169.254',
      'https://[::ffff:169.254.169.254]',
      'https://[::ffff:a9fe:a9fe]',
      'https://0xa9fea9fe',
      'https://2852039166',
      'https://[::]',
      'https://0.0.0.0',
      'https://[fd00::1]',
      'https://10.0.0.8',
      'https://localhost',
      `https://127.0.0.1:${Number(new URL(w.okta.url).port) + 1}`,
      `http://127.0.0.1:${new URL(w.okta.url).port}`,
    ];
    for (const base of spellings) {
      for (const [kind, body] of [
        ['okta', { kind: 'okta', orgUrl: base, auth: { apiToken: '00attack-token-0000000000000000' } }],
        ['oidc', { kind: 'oidc', issuer: base, clientId: 'x', clientSecret: 'y' }],
      ] as const) {
        const res = await api(w.b.url, 'PUT', `/api/v1/admin/tenants/${SLUGS.servicenow}/idp/${kind}`, body, w.as.admin);
        expect(res.status, `${kind} ${base}`).toBe(422);
      }
    }
    expect(await count('tenant_idps')).toBe(before);
  });
});

describe('item 4: API tokens carry scopes; failed authentication is throttled and counted', () => {
  it('a secrets-only token cannot repoint an IdP, change supervisors, add tenants or read metrics — and changes nothing', async () => {
    const before = { idps: await count('tenant_idps'), policies: await count('verification_policies'), tenants: await count('tenants') };
    const attempts = [
      [
        'PUT',
        `/api/v1/admin/tenants/${SLUGS.zendesk}/idp/oidc`,
        { kind: 'oidc', issuer: 'https://attacker.example', clientId: 'x', clientSecret: 'y' },
      ],
      ['PUT', `/api/v1/admin/tenants/${SLUGS.zendesk}/policy`, { methods: ['oidc'], supervisors: ['attacker'] }],
      ['POST', '/api/v1/admin/tenants', w.desks.tenants().jira],
      ['DELETE', `/api/v1/admin/tenants/${SLUGS.servicenow}`, undefined],
      ['GET', '/metrics', undefined],
    ] as const;
    for (const [method, p, body] of attempts) {
      const res = await api(w.a.url, method, p, body, w.as.secrets);
      expect(res.status, `${method} ${p}`).toBe(403);
    }
    expect({ idps: await count('tenant_idps'), policies: await count('verification_policies'), tenants: await count('tenants') }).toEqual(
      before,
    );
    // And the admin token cannot create secrets.
    const sealed = await sealSecret({ kind: 'text', text: 'x' });
    const created = await api(
      w.b.url,
      'POST',
      '/api/v1/secrets',
      { kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) },
      w.as.admin,
    );
    expect(created.status).toBe(403);
  });

  it('every admin change names the token that made it (never the token itself)', async () => {
    const rows = await sql<{
      type: string;
      data: string;
    }>`SELECT type, data::text AS data FROM audit_events WHERE type IN ('idp.configured', 'policy.changed', 'tenant.added')`.execute(w.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) {
      expect(r.data, r.type).toContain('api-token:ops');
      for (const t of Object.values(w.tokens)) expect(r.data).not.toContain(t);
    }
  });

  it('guessing tokens from one network is throttled across both processes and counted; a real token elsewhere still works', async () => {
    const guesser = from('192.0.2.77');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      statuses.push(
        (
          await api(i % 2 ? w.a.url : w.b.url, 'GET', '/api/v1/admin/tenants', undefined, {
            ...guesser,
            authorization: `Bearer ${'G'.repeat(42)}${i % 10}`,
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 10).every((st) => st === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    // Even the right token from the guessing network waits now; from another network it works at once.
    expect((await api(w.a.url, 'GET', '/api/v1/admin/tenants', undefined, { ...guesser, ...w.as.admin })).status).toBe(429);
    expect((await api(w.b.url, 'GET', '/api/v1/admin/tenants', undefined, { ...from('192.0.2.78'), ...w.as.admin })).status).toBe(200);
    const metrics = await (await fetch(`${w.a.url}/metrics`, { headers: w.as.metrics })).text();
    expect(metrics).toMatch(/^vouchsafe_api_auth_failures_total\{reason="unknown"\} [1-9]/m);
  });
});

describe('item 7: NUL and lone surrogates answer 400, never 500, on every kind of endpoint', () => {
  it('JSON bodies, query strings and path segments, public and authenticated, including the IdP callback', async () => {
    const s = await zendeskSidebar(w, w.desks.state.zendesk.tickets[0]!.ticketId);
    const client = from('198.51.100.7');
    const bad = ['nul\u0000here', 'lone \ud800 surrogate', 'tail \udfff'];
    const tenantsBefore = await count('tenants');
    for (const text of bad) {
      const checks = [
        await api(
          w.a.url,
          'POST',
          '/api/v1/secrets',
          JSON.stringify({ kind: 'text', ciphertext: 'A'.repeat(64), keyCheck: 'B'.repeat(43), label: text }),
          { ...w.as.secrets, 'content-type': 'application/json' },
        ),
        await api(w.b.url, 'POST', '/api/v1/admin/tenants', { ...w.desks.tenants().jira, name: text }, w.as.admin),
        await api(
          w.a.url,
          'POST',
          '/api/v1/sidebar/verifications/00000000-0000-4000-8000-000000000000/override',
          { reason: `${text} because` },
          s.headers,
        ),
        await api(
          w.b.url,
          'POST',
          `/api/v1/sidebar/secrets`,
          { kind: 'text', ciphertext: 'A'.repeat(64), keyCheck: 'B'.repeat(43), label: text },
          s.headers,
        ),
      ];
      for (const r of checks) expect(r.status, JSON.stringify(r.json)).toBe(400);
      // A lone surrogate travels as its (invalid) UTF-8 bytes, as an attacker's client sends it.
      const q = percentEncode(text);
      for (const p of [`/verify/callback/oidc?state=${q}&code=${q}`, `/api/v1/secrets/${q}`, `/api/v1/t/${q}/secrets/x`]) {
        const res = await fetch(`${w.a.url}${p}`, { headers: client });
        expect(res.status, p).toBeLessThan(500);
        expect([400, 404], p).toContain(res.status);
      }
    }
    expect(await count('tenants')).toBe(tenantsBefore);
  });
});

describe('item 10: throttles hold across processes and IPv6 networks, and cannot be reset', () => {
  it('addresses in one IPv6 /64 share the public limit on both processes; another /64 does not', async () => {
    const id = 'A'.repeat(22);
    const answers: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 4; i += 1) {
      answers.push(
        (await api(i % 2 ? w.a.url : w.b.url, 'GET', `/api/v1/secrets/${id}`, undefined, from(`2001:db8:77:1::${(i + 1).toString(16)}`)))
          .status,
      );
    }
    expect(answers.slice(0, RATE_LIMIT).every((st) => st === 404)).toBe(true);
    expect(answers.slice(RATE_LIMIT)).toEqual([429, 429, 429, 429]);
    expect((await api(w.a.url, 'GET', `/api/v1/secrets/${id}`, undefined, from('2001:db8:77:2::1'))).status).toBe(404);
  });

  it('flooding the limiter with thousands of other networks does not free an exhausted one', async () => {
    const exhausted = from('2001:db8:78:1::1');
    for (let i = 0; i < RATE_LIMIT; i += 1) await api(w.b.url, 'GET', `/api/v1/secrets/${'B'.repeat(22)}`, undefined, exhausted);
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        api(
          i % 2 ? w.a.url : w.b.url,
          'GET',
          `/api/v1/secrets/${'C'.repeat(22)}`,
          undefined,
          from(`2001:db8:${(0x100 + i).toString(16)}::1`),
        ),
      ),
    );
    expect((await api(w.a.url, 'GET', `/api/v1/secrets/${'B'.repeat(22)}`, undefined, exhausted)).status).toBe(429);
  });
});

describe('item 11: markup from the desk never becomes markup in a note', () => {
  it('a hostile requester name reaches ServiceNow work notes and Zendesk notes inert', async () => {
    const hostile = '[code]<img src=x onerror=alert(1)>[/code] [click](https://evil.example)';
    const sn = w.desks.state.servicenow.tickets[2]!;
    w.desks.state.person('servicenow', sn.requesterId)!.name = hostile;
    const zd = w.desks.state.addTicket('zendesk', { requester: { name: hostile, email: 'hostile.name@customer.test' } });
    w.okta.state.addUser({ email: 'hostile.name@customer.test', firstName: 'H', lastName: 'N', push: true });
    const snSidebar = await serviceNowSidebar(w, 2);
    const zdSidebar = await zendeskSidebar(w, zd.ticketId);
    for (const [base, s] of [
      [w.a.url, snSidebar],
      [w.b.url, zdSidebar],
    ] as const) {
      const res = await sidebar(base, s, 'POST', '/verifications', { method: 'okta_push' });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      await sidebar(base, s, 'POST', `/verifications/${res.json.id}/cancel`);
    }
    const snNote = await eventually(() => {
      const found = w.desks.state.notes('servicenow', sn.ticketId).find((c) => c.body.includes('Caller verification'));
      expect(found).toBeDefined();
      return found!.body;
    }, 15_000);
    expect(snNote).not.toMatch(/\[code\]|\[\/code\]/i);
    const zdNote = await eventually(() => {
      const found = w.desks.state.notes('zendesk', zd.ticketId).find((c) => c.body.includes('Caller verification'));
      expect(found).toBeDefined();
      return found!.body;
    }, 15_000);
    expect(zdNote).not.toMatch(/(?<!\\)\[click(?<!\\)\]\(https:\/\/evil/);
    expect(zdNote).not.toContain('<img');
  });
});

describe('item 12: the smaller holes', () => {
  it('a: a secret made with an API token in a desk tenant answers a path that works', async () => {
    const sealed = await sealSecret({ kind: 'text', text: 'from a script' });
    const res = await api(
      w.a.url,
      'POST',
      `/api/v1/t/${SLUGS.zendesk}/secrets`,
      { kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) },
      w.as.secrets,
    );
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json.path).toBe(`/t/${SLUGS.zendesk}/s/${res.json.id}`);
    expect((await api(w.b.url, 'GET', `/api/v1/t/${SLUGS.zendesk}/secrets/${res.json.id}`, undefined, from('198.51.100.12'))).status).toBe(
      200,
    );

    // b: the CLI reveals such a link through the tenant's prefix.
    const link = buildSecretLink(`${w.b.url}/t/${SLUGS.zendesk}`, res.json.id, sealed.linkKey);
    const out = await cli(['secret', 'reveal', link]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n').at(-1)).toBe('from a script');
  });

  it('c: a public key or certificate that does not parse is refused at registration', async () => {
    const { zendesk, servicenow } = w.desks.tenants();
    const before = await count('tenants');
    const bodies = [
      {
        ...zendesk,
        slug: 'bad-zendesk-pem',
        subdomain: 'badpem',
        publicKeyPem: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n',
      },
      {
        ...servicenow,
        slug: 'bad-sn-pem',
        instance: 'badpem',
        certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      },
    ];
    for (const body of bodies) expect((await api(w.a.url, 'POST', '/api/v1/admin/tenants', body, w.as.admin)).status).toBe(422);
    expect(await count('tenants')).toBe(before);
  });

  it('d: each desk’s sidebar page may be framed only by that desk’s registered accounts', async () => {
    const frameAncestors = async (page: string) =>
      /frame-ancestors ([^;]*)/.exec((await fetch(`${w.a.url}/apps/${page}/`)).headers.get('content-security-policy') ?? '')?.[1] ?? '';
    const zd = await frameAncestors('zendesk');
    const sn = await frameAncestors('servicenow');
    expect(zd).toContain('.zendesk.com');
    expect(zd).not.toMatch(/service-now|\*/);
    expect(sn).toContain('.service-now.com');
    expect(sn).not.toMatch(/zendesk|\*/);
  });

  it('e: live-status streams end on every process when their tenant is removed', async () => {
    const s = await serviceNowSidebar(w, 0, w.b.url);
    const stream = await fetch(`${w.b.url}/api/v1/sidebar/verifications/events`, { headers: s.headers });
    expect(stream.status).toBe(200);
    const ended = (async () => {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) void chunk;
      return true;
    })();
    expect((await api(w.a.url, 'DELETE', `/api/v1/admin/tenants/${SLUGS.servicenow}`, undefined, w.as.admin)).status).toBe(204);
    expect(await Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 10_000))])).toBe(true);
  });

  it('f: CORS admits the registered Jira site only, not every atlassian.net site', async () => {
    const { jira } = w.desks.tenants();
    expect((await api(w.a.url, 'POST', '/api/v1/admin/tenants', jira, w.as.admin)).status).toBe(201);
    const preflight = (origin: string) =>
      fetch(`${w.b.url}/api/v1/sessions/jira`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://evil.atlassian.net')).headers.get('access-control-allow-origin')).toBeNull();
    const site = new URL(jira.siteUrl).origin;
    await eventually(async () => expect((await preflight(site)).headers.get('access-control-allow-origin')).toBe(site), 40_000);
  }, 60_000);
});
