import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANDING_PATHS } from '@vouchsafe/contracts';
import { api, revealBody } from './harness';
import { PHRASE_WORDS } from '../src/modules/branding/wordlist';
import { SLUGS, auth, customerReveal, openSidebar, send, startSidebarWorld, type SidebarWorld } from './sidebar-support';

/** Issue 14: tenant branding, the link phrase, who sent a link, and the check page's question. One app, one database. */

// A 1 × 1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
const DOMAIN = 'links.acmebank.com';
const slug = SLUGS.zendesk;

let w: SidebarWorld;
beforeAll(async () => {
  w = await startSidebarWorld();
});
afterAll(async () => {
  await w?.close();
});

const admin = (method: string, body?: unknown, s = slug) => api(w.t.url, method, BRANDING_PATHS.admin(s), body, auth);
const good = {
  displayName: 'Acme Bank',
  brandColor: '#0B5394',
  logoPngBase64: PNG,
  supportPhone: '+44 20 7946 0000',
  supportUrl: 'https://acmebank.com/help',
  linkDomain: DOMAIN,
};

/** A request with a Host header of our choosing (fetch does not let us set it). */
function withHost(host: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const url = new URL(w.t.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { host, 'content-type': 'application/json' } },
      (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('branding (admin)', () => {
  it('refuses a colour white text cannot be read on, an SVG, a non-host link domain and a bad support URL; stores nothing', async () => {
    for (const [field, value] of [
      ['brandColor', '#7fb2e5'],
      ['logoPngBase64', SVG],
      ['linkDomain', 'https://links.acmebank.com/'],
      ['linkDomain', '127.0.0.1'],
      ['supportUrl', 'http://acmebank.com/help'],
    ] as const) {
      const res = await admin('PUT', { ...good, [field]: value });
      expect(res.status, `${field}=${value}`).toBe(422);
    }
    expect((await admin('GET')).status).toBe(404);
  });

  it('stores the branding with an audit event; pages read it and the logo comes from our origin as a PNG', async () => {
    const put = await admin('PUT', good);
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ displayName: 'Acme Bank', brandColor: '#0b5394', hasLogo: true, linkDomain: DOMAIN });
    const events = await w.t.db.selectFrom('audit_events').select(['type', 'data']).where('type', '=', 'tenant.branding_set').execute();
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0]!.data)).not.toContain(PNG.slice(0, 20));

    const pub = await api(w.t.url, 'GET', BRANDING_PATHS.branding(slug));
    expect(pub.json).toMatchObject({ displayName: 'Acme Bank', brandColor: '#0b5394', checkUrl: `/t/${slug}/check` });
    const logo = await fetch(`${w.t.url}${pub.json.logoUrl}`);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(logo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await logo.arrayBuffer()).equals(Buffer.from(PNG, 'base64'))).toBe(true);

    // The custom link domain names the tenant for requests without a slug (the `/check` page on that domain).
    expect((await withHost(DOMAIN, 'GET', BRANDING_PATHS.branding())).json.displayName).toBe('Acme Bank');
    expect((await api(w.t.url, 'GET', BRANDING_PATHS.branding())).json.displayName).not.toBe('Acme Bank');

    // Another tenant cannot take the same link domain.
    const taken = await admin('PUT', { ...good, displayName: 'Other' }, SLUGS.jira);
    expect(taken.status).toBe(409);
  });
});

describe('who sent a link, and its phrase', () => {
  it('the sidebar shows the phrase; the customer page gets the same phrase, the bank, ticket and first name only with the key', async () => {
    const agent = await openSidebar(w, 'zendesk');
    const a = await send(w, agent);
    const b = await send(w, agent);
    const created = a as typeof a & { phrase: string };
    expect(a.linkBase).toBe(`https://${DOMAIN}/t/${slug}`);
    const words = created.phrase.split(' ');
    expect(words).toHaveLength(3);
    for (const word of words) expect(PHRASE_WORDS).toContain(word);
    expect((b as typeof b & { phrase: string }).phrase).not.toBe(created.phrase);

    const { keyCheck } = await revealBody(a.linkKey);
    const trust = await api(w.t.url, 'POST', BRANDING_PATHS.linkTrust(a.id, slug), { keyCheck });
    expect(trust.status).toBe(200);
    expect(trust.json).toMatchObject({ phrase: created.phrase, ticket: `#${agent.ticketId}`, agentFirstName: 'Jane' });
    expect(trust.json.bank.displayName).toBe('Acme Bank');

    // Without the key (only the id, as a mail scanner or a log would have it): nothing.
    const wrongKey = await api(w.t.url, 'POST', BRANDING_PATHS.linkTrust(a.id, slug), { keyCheck: (await revealBody(b.linkKey)).keyCheck });
    expect(wrongKey.status).toBe(403);
    expect(JSON.stringify(wrongKey.json)).not.toContain(words[0]);
    // Another tenant's path: gone, like any unknown secret.
    expect((await api(w.t.url, 'POST', BRANDING_PATHS.linkTrust(a.id, SLUGS.jira), { keyCheck })).status).toBe(404);
  });
});

describe('the check page', () => {
  it('answers one shape: active, inactive after the last view, not_issued for other hosts, tenants and ids', async () => {
    const agent = await openSidebar(w, 'zendesk', 1);
    const s = await send(w, agent);
    const link = `${s.linkBase}/s/${s.id}`;
    const check = (input: unknown, s2 = slug) => api(w.t.url, 'POST', BRANDING_PATHS.linkCheck(s2), input);

    expect((await check({ link: `${link}#not-sent-by-the-page` })).json).toEqual({ result: 'active' });
    expect((await check({ link: s.id })).json).toEqual({ result: 'active' });
    expect((await check({ link: link.replace(DOMAIN, 'links.acmebank.com.evil.example.net') })).json).toEqual({ result: 'not_issued' });
    expect((await check({ link: `${w.t.url}/t/${slug}/s/${s.id}` })).json).toEqual({ result: 'active' });
    expect((await check({ link: s.id }, SLUGS.jira)).json).toEqual({ result: 'not_issued' });
    expect((await check({ link: 'A'.repeat(22) })).json).toEqual({ result: 'not_issued' });
    expect((await check({ nonsense: true })).json).toEqual({ result: 'not_issued' });
    // On the custom domain, `/api/v1/link-check` answers for that bank.
    expect((await withHost(DOMAIN, 'POST', BRANDING_PATHS.linkCheck(), { link })).json).toEqual({ result: 'active' });

    expect((await customerReveal(w, 'zendesk', s)).status).toBe(200);
    expect((await check({ link })).json).toEqual({ result: 'inactive' });
  });

  it('is rate-limited per network', async () => {
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await api(w.t.url, 'POST', BRANDING_PATHS.linkCheck(slug), { link: 'x' })).status;
    expect(last).toBe(429);
  });
});
