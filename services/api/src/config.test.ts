import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { generateKeyEntry } from './modules/keys/keyring';

describe('loadConfig', () => {
  it('has safe defaults for local embedded mode', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.keyring).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses DATABASE_URL without VOUCHSAFE_KEYS, with a clear message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db/x' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db/x' })).toThrow(/VOUCHSAFE_KEYS is required/);
  });

  it('parses the keyring with the first entry active, and the API tokens', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db/x',
      VOUCHSAFE_KEYS: `${generateKeyEntry('b')},${generateKeyEntry('a')}`,
      VOUCHSAFE_API_TOKENS: 'token-one-x, token-two-y',
    });
    expect(c.keyring?.map((k) => k.kid)).toEqual(['b', 'a']);
    expect(c.apiTokens).toEqual(['token-one-x', 'token-two-y']);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ VOUCHSAFE_API_TOKENS: 'short' })).toThrow(/at least 8/);
    expect(() => loadConfig({ VOUCHSAFE_KEYS: 'nope' })).toThrow(/VOUCHSAFE_KEYS entry 1/);
  });

  it('has help-desk sidebar defaults: sessions of 15 minutes, an 8 hour chain, vendor URLs, apps under the repo', () => {
    const c = loadConfig({});
    expect(c.allowInsecureHelpdesks).toBe(false);
    expect(c.sessionTtlSeconds).toBe(900);
    expect(c.sessionChainMaxSeconds).toBe(8 * 3600);
    expect(c.zafSdkUrl).toBe('https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js');
    expect(c.forgeJwksUrl).toBe('https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json');
    expect(c.frameAncestors).toEqual(['https://*.zendesk.com', 'https://*.service-now.com', 'https://*.servicenowservices.com']);
    expect(c.appsDir).toMatch(/[/\\]apps$/);
    expect([c.outboxIntervalMs, c.noteMaxAttempts, c.noteBackoffMs, c.helpdeskTimeoutMs]).toEqual([1000, 8, 1000, 10_000]);
  });

  it('refuses insecure help desks in production and allows them elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'true' })).toThrow(
      /VOUCHSAFE_ALLOW_INSECURE_HELPDESKS.*production/,
    );
    expect(loadConfig({ NODE_ENV: 'test', VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: '1' }).allowInsecureHelpdesks).toBe(true);
  });

  it('caps the session lifetime at 15 minutes', () => {
    expect(loadConfig({ VOUCHSAFE_SESSION_TTL_SECONDS: '300' }).sessionTtlSeconds).toBe(300);
    expect(() => loadConfig({ VOUCHSAFE_SESSION_TTL_SECONDS: '901' })).toThrow(/VOUCHSAFE_SESSION_TTL_SECONDS/);
  });

  it('accepts only origins in VOUCHSAFE_FRAME_ANCESTORS (nothing that could end the CSP directive)', () => {
    expect(loadConfig({ VOUCHSAFE_FRAME_ANCESTORS: "'self' http://localhost:5173" }).frameAncestors).toEqual([
      "'self'",
      'http://localhost:5173',
    ]);
    for (const bad of ['https://a.zendesk.com; script-src *', "'unsafe-inline'", '*', '  ']) {
      expect(() => loadConfig({ VOUCHSAFE_FRAME_ANCESTORS: bad })).toThrow(/VOUCHSAFE_FRAME_ANCESTORS/);
    }
  });

  it('accepts an https or same-server ZAF SDK URL only', () => {
    expect(loadConfig({ VOUCHSAFE_ZAF_SDK_URL: '/apps/zendesk/vendor/zaf_sdk.js' }).zafSdkUrl).toBe('/apps/zendesk/vendor/zaf_sdk.js');
    expect(() => loadConfig({ VOUCHSAFE_ZAF_SDK_URL: 'http://cdn.example/zaf.js' })).toThrow(/VOUCHSAFE_ZAF_SDK_URL/);
    expect(() => loadConfig({ VOUCHSAFE_ZAF_SDK_URL: 'https://x/"><script>' })).toThrow(/VOUCHSAFE_ZAF_SDK_URL/);
  });

  it('defaults CORS to the Forge CDN and Atlassian sites, and accepts only origins', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['https://*.cdn.prod.atlassian-dev.net', 'https://*.atlassian.net']);
    expect(loadConfig({ VOUCHSAFE_CORS_ORIGINS: 'https://acme.atlassian.net' }).corsOrigins).toEqual(['https://acme.atlassian.net']);
    for (const bad of ['*', 'https://a.example/path', 'https://*', 'null']) {
      expect(() => loadConfig({ VOUCHSAFE_CORS_ORIGINS: bad })).toThrow(/VOUCHSAFE_CORS_ORIGINS/);
    }
  });

  it('requires VOUCHSAFE_PUBLIC_URL in production (links and IdP callbacks never follow the Host header there)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/VOUCHSAFE_PUBLIC_URL is required/);
    expect(loadConfig({ NODE_ENV: 'production', VOUCHSAFE_PUBLIC_URL: 'https://vouchsafe.acme.com/' }).publicUrl).toBe('https://vouchsafe.acme.com');
    expect(loadConfig({}).publicUrl).toBeUndefined();
  });

  it('has database time limits: 10 s statements, 5 s to get a connection, 2 s for /readyz; each bounded', () => {
    const c = loadConfig({});
    expect([c.databaseStatementTimeoutMs, c.databaseAcquireTimeoutMs, c.readyTimeoutMs]).toEqual([10_000, 5_000, 2_000]);
    const set = loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '2500', DATABASE_ACQUIRE_TIMEOUT_MS: '800', VOUCHSAFE_READY_TIMEOUT_MS: '300' });
    expect([set.databaseStatementTimeoutMs, set.databaseAcquireTimeoutMs, set.readyTimeoutMs]).toEqual([2500, 800, 300]);
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_ACQUIRE_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_ACQUIRE_TIMEOUT_MS/);
    expect(() => loadConfig({ VOUCHSAFE_READY_TIMEOUT_MS: '60000' })).toThrow(/VOUCHSAFE_READY_TIMEOUT_MS/);
  });
});
