import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness';

/**
 * The sidebar pages against a tiny fake apps dir (the real dist may not be built when unit tests
 * run): token injection and escaping, SDK URL substitution, CSP and caching headers.
 */

let appsDir: string;
let t: TestApp;
let cdn: TestApp;
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
  const frameAncestors = ['https://*.zendesk.com', 'https://*.service-now.com'];
  t = await startTestApp({ config: { appsDir, zafSdkUrl: '/apps/zendesk/vendor/zaf_sdk.js', frameAncestors } });
  cdn = await startTestApp({
    config: { appsDir, zafSdkUrl: 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js', frameAncestors },
  });
});
afterAll(async () => {
  await t?.close();
  await cdn?.close();
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
    expect(csp).toContain('frame-ancestors https://*.zendesk.com https://*.service-now.com');
    expect(csp).not.toContain("frame-ancestors 'none'");
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
    expect(csp).toContain('frame-ancestors https://*.zendesk.com https://*.service-now.com');
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
