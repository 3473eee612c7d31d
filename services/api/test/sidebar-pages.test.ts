import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { createLogger } from '../src/logger';
import { createDeskOrigins } from '../src/modules/tenants/desk-origins';
import { TOKEN as API_TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * The sidebar pages against a tiny fake apps dir (the real dist may not be built when unit tests
 * run): token injection and escaping, SDK URL substitution, CSP and caching headers.
 */

let appsDir: string;
let t: TestApp;
let cdn: TestApp;
let desks: StartedDeskStandIns;
const ZENDESK_INDEX =
  '<!doctype html><html><head><script src="%VOUCHSAFE_ZAF_SDK_URL%"></script><script type="module" src="/apps/zendesk/assets/app-1.js"></script></head><body></body></html>';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function writeApps(dir: string) {
  for (const desk of ['zendesk', 'servicenow']) mkdirSync(path.join(dir, desk, 'dist', 'assets'), { recursive: true });
  mkdirSync(path.join(dir, 'zendesk', 'dist', 'vendor'));
  writeFileSync(path.join(dir, 'zendesk', 'dist', 'index.html'), ZENDESK_INDEX);
  writeFileSync(path.join(dir, 'zendesk', 'dist', 'assets', 'app-1.js'), 'console.log("zendesk");');
  writeFileSync(path.join(dir, 'zendesk', 'dist', 'vendor', 'zaf_sdk.js'), 'window.ZAFClient = {};');
  writeFileSync(path.join(dir, 'zendesk', 'dist', 'vouchsafe-zendesk.zip'), 'PK');
  writeFileSync(path.join(dir, 'servicenow', 'dist', 'index.html'), '<!doctype html><html><head></head><body>servicenow</body></html>');
}

beforeAll(async () => {
  appsDir = mkdtempSync(path.join(tmpdir(), 'vs-apps-'));
  writeApps(appsDir);
  desks = await startDeskStandIns();
  // Operator extras per desk; the registered tenants' origins come on top (see 'frame-ancestors per desk').
  const frameAncestors = { zendesk: ['https://support.acme.example'], servicenow: ['https://*.servicenowservices.com'] };
  t = await startTestApp({ config: { appsDir, zafSdkUrl: '/apps/zendesk/vendor/zaf_sdk.js', frameAncestors } });
  cdn = await startTestApp({
    config: { appsDir, zafSdkUrl: 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js', frameAncestors },
  });
});
afterAll(async () => {
  await t?.close();
  await cdn?.close();
  await desks?.close();
  rmSync(appsDir, { recursive: true, force: true });
});

const post = (base: string, form: Record<string, string>, query = '') =>
  fetch(`${base}/apps/zendesk/${query}`, { method: 'POST', body: new URLSearchParams(form) });

describe('GET|POST /apps/zendesk/', () => {
  it('puts the signed-URL token into a meta tag and substitutes the SDK URL; the token never reaches the log', async () => {
    const res = await post(t.url, { token: TOKEN }, '?origin=https%3A%2F%2Facme.zendesk.com&app_guid=abc');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(`<meta name="vouchsafe-host-token" content="${TOKEN}"></head>`);
    expect(html).toContain('<script src="/apps/zendesk/vendor/zaf_sdk.js"></script>');
    expect(html).not.toContain('%VOUCHSAFE_ZAF_SDK_URL%');
    expect(t.logs.join('')).not.toContain(TOKEN);
    expect(t.logs.join('')).not.toContain('app_guid');
  });

  it('escapes whatever arrives as the token, so it cannot leave the attribute', async () => {
    const evil = '"><script>alert(1)</script><meta x=\'';
    const html = await (await post(t.url, { token: evil })).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('content="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;meta x&#61;&#39;"');
    const lines = html.match(/<meta name="vouchsafe-host-token"/g) ?? [];
    expect(lines).toHaveLength(1);
  });

  it('serves the page without a token on GET and ignores other fields', async () => {
    const get = await fetch(`${t.url}/apps/zendesk/`);
    expect(await get.text()).not.toContain('vouchsafe-host-token');
    const other = await (await post(t.url, { nottoken: 'x' })).text();
    expect(other).not.toContain('vouchsafe-host-token');
  });

  it('refuses a form body over 16 kB', async () => {
    const res = await post(t.url, { token: 'x'.repeat(17 * 1024) });
    expect(res.status).toBe(413);
  });

  it('sends a sidebar CSP: own scripts, framed only by the configured desks, no store, no referrer', async () => {
    const res = await post(t.url, { token: TOKEN });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/support\.acme\.example/);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('allows the ZAF CDN origin in script-src when the SDK comes from there', async () => {
    const res = await fetch(`${cdn.url}/apps/zendesk/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' https://static.zdassets.com;");
    expect(await res.text()).toContain('src="https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"');
  });

  it('serves the built assets and the vendored SDK, but not index.html raw or the app package', async () => {
    const asset = await fetch(`${t.url}/apps/zendesk/assets/app-1.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain('zendesk');
    expect((await fetch(`${t.url}/apps/zendesk/vendor/zaf_sdk.js`)).status).toBe(200);
    expect((await fetch(`${t.url}/apps/zendesk/index.html`)).status).toBe(404);
    expect((await fetch(`${t.url}/apps/zendesk/vouchsafe-zendesk.zip`)).status).toBe(404);
    expect((await fetch(`${t.url}/apps/zendesk/assets/missing.js`)).status).toBe(404);
  });
});

describe('GET /apps/servicenow/', () => {
  it('serves the page with the sidebar CSP (its token stays in the fragment)', async () => {
    const res = await fetch(`${t.url}/apps/servicenow/?table=incident&sys_id=${'a'.repeat(32)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('servicenow');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/\*\.servicenowservices\.com/);
  });
});

const ancestorsOf = async (base: string, page: 'zendesk' | 'servicenow') =>
  /frame-ancestors ([^;]*)/.exec((await fetch(`${base}/apps/${page}/`)).headers.get('content-security-policy') ?? '')![1]!.split(' ');

describe("frame-ancestors per desk: only that desk's registered accounts (and its operator extras)", () => {
  it('each page lists its own desk only; registering and removing a tenant changes it at once in this process', async () => {
    // No tenant yet: only the operator's extras.
    expect(await ancestorsOf(t.url, 'zendesk')).toEqual(['https://support.acme.example']);
    expect(await ancestorsOf(t.url, 'servicenow')).toEqual(['https://*.servicenowservices.com']);
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    for (const body of Object.values(desks.tenants()))
      expect((await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth)).status).toBe(201);
    const standIn = new URL(desks.url).origin; // the stand-ins' apiBaseUrl (development only) serves the agent pages too
    const zendesk = await ancestorsOf(t.url, 'zendesk');
    const serviceNow = await ancestorsOf(t.url, 'servicenow');
    expect(zendesk.sort()).toEqual(['https://acme.zendesk.com', 'https://support.acme.example', standIn].sort());
    expect(serviceNow.sort()).toEqual(['https://*.servicenowservices.com', 'https://acme.service-now.com', standIn].sort());
    for (const origin of zendesk.filter((o) => o !== standIn)) expect(serviceNow).not.toContain(origin);
    for (const origin of serviceNow.filter((o) => o !== standIn)) expect(zendesk).not.toContain(origin);
    expect([...zendesk, ...serviceNow].join(' ')).not.toMatch(/\*\.zendesk\.com|\*\.service-now\.com|atlassian/);

    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk', undefined, auth)).status).toBe(204);
    expect(await ancestorsOf(t.url, 'zendesk')).toEqual(['https://support.acme.example']);
    expect(await ancestorsOf(t.url, 'servicenow')).toContain('https://acme.service-now.com');
  });

  it("another process's change (here a removal) shows once the brief cache expires; with no source at all the page is frame-ancestors 'none'", async () => {
    let now = 1_000_000;
    const origins = createDeskOrigins({ db: t.db, logger: createLogger('silent'), ttlMs: 30_000, now: () => now });
    expect(await origins.of('servicenow')).toContain('https://acme.service-now.com');
    await t.db.updateTable('tenants').set({ deleted_at: new Date() }).where('slug', '=', 'acme-servicenow').execute();
    expect(await origins.of('servicenow')).toContain('https://acme.service-now.com'); // cached
    now += 30_000;
    await origins.of('servicenow'); // stale: answered from the cache, refreshed behind
    await new Promise((r) => setTimeout(r, 100));
    expect(await origins.of('servicenow')).toEqual([]);
    const bare = await startTestApp({ config: { appsDir, frameAncestors: { zendesk: [], servicenow: [] } } });
    try {
      expect(await ancestorsOf(bare.url, 'zendesk')).toEqual(["'none'"]);
      expect(await ancestorsOf(bare.url, 'servicenow')).toEqual(["'none'"]);
    } finally {
      await bare.close();
    }
  });
});

describe('without built apps', () => {
  it('answers 404 and keeps the API CSP elsewhere', async () => {
    const bare = await startTestApp();
    try {
      expect((await fetch(`${bare.url}/apps/zendesk/`)).status).toBe(404);
      const api = await fetch(`${bare.url}/healthz`);
      expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    } finally {
      await bare.close();
    }
  });
});
