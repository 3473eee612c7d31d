import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * CORS for the sidebar API admits the Forge CDN (VOUCHSAFE_CORS_ORIGINS' default) and the registered
 * Jira tenants' own sites — not every *.atlassian.net site (issue 8, item 12f).
 */

const auth = { authorization: `Bearer ${TOKEN}` };
let t: TestApp;
let desks: StartedDeskStandIns;
beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
});

async function allowedOrigin(origin: string, path = '/api/v1/sessions/jira') {
  const pre = await fetch(`${t.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
  expect(pre.status).toBe(204);
  const get = await fetch(`${t.url}/api/v1/sidebar/verifications`, { headers: { origin } });
  expect(get.headers.get('access-control-allow-origin')).toBe(pre.headers.get('access-control-allow-origin'));
  return pre.headers.get('access-control-allow-origin');
}

describe('sidebar CORS', () => {
  it('an unregistered atlassian.net site gets no CORS headers; a registered one does, until it is removed', async () => {
    expect(await allowedOrigin('https://acme.atlassian.net')).toBeNull();
    const jira = { ...desks.tenants().jira, siteUrl: 'https://acme.atlassian.net' };
    expect((await api(t.url, 'POST', '/api/v1/admin/tenants', jira, auth)).status).toBe(201);
    expect(await allowedOrigin('https://acme.atlassian.net')).toBe('https://acme.atlassian.net');
    expect(await allowedOrigin('https://ACME.atlassian.net')).toBe('https://ACME.atlassian.net');
    for (const other of [
      'https://evil.atlassian.net',
      'https://acme.atlassian.net.evil.example',
      'http://acme.atlassian.net',
      'https://atlassian.net',
    ]) {
      expect(await allowedOrigin(other), other).toBeNull();
    }
    // The Forge CDN (Custom UI frames) stays allowed by default.
    expect(await allowedOrigin('https://abc123.cdn.prod.atlassian-dev.net')).toBe('https://abc123.cdn.prod.atlassian-dev.net');
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-jira', undefined, auth)).status).toBe(204);
    expect(await allowedOrigin('https://acme.atlassian.net')).toBeNull();
  });

  it("a Zendesk or ServiceNow tenant's origin is not a CORS origin (only Jira calls cross-origin)", async () => {
    expect((await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, auth)).status).toBe(201);
    expect(await allowedOrigin('https://acme.zendesk.com')).toBeNull();
  });
});
