import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { generateKeyEntry } from './modules/keys/keyring';
import { generateApiToken, weakTokenReason } from './modules/api-tokens/api-tokens';

const ONE = generateApiToken();
const TWO = generateApiToken();

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
      VOUCHSAFE_API_TOKENS: `ci-sender:secrets:${ONE}, ops:admin+metrics:${TWO}`,
    });
    expect(c.keyring?.map((k) => k.kid)).toEqual(['b', 'a']);
    expect(c.apiTokens.map((t) => [t.name, t.scopes])).toEqual([
      ['ci-sender', ['secrets']],
      ['ops', ['admin', 'metrics']],
    ]);
    // Only digests are held.
    expect(c.apiTokens[0]!.digest.equals(createHash('sha256').update(ONE).digest())).toBe(true);
    expect(JSON.stringify(c)).not.toContain(ONE);
  });

  describe('VOUCHSAFE_API_TOKENS refuses at start-up, naming the entry and never echoing the token', () => {
    it.each([
      ['short', `ci:secrets:${ONE.slice(0, 30)}`, /entry "ci": the token is too short/],
      ['old bare format', ONE, /entry 1 is not "name:scopes:token"/],
      ['old 8-character format', 'integration-token', /entry 1 is not "name:scopes:token"/],
      ['repeated character', `ci:secrets:${'a'.repeat(64)}`, /entry "ci": the token does not look random/],
      ['counting sequence', 'ci:secrets:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', /entry "ci": the token does not look random/],
      ['repeated pattern', `ci:secrets:${'Xy7_'.repeat(16)}`, /entry "ci": the token does not look random/],
      ['short hex', `ci:secrets:${randomBytes(24).toString('hex')}`, /entry "ci": the token is too short/],
      ['not base64url', `ci:secrets:${randomBytes(33).toString('base64')}/`, /entry "ci": the token may contain only base64url/],
      ['duplicate name', `ci:secrets:${ONE},ci:admin:${TWO}`, /names "ci" twice/],
      ['duplicate name, other case', `ci:secrets:${ONE},CI:admin:${TWO}`, /names "CI" twice/],
      ['same token twice', `ci:secrets:${ONE},ops:admin:${ONE}`, /entry "ops" repeats the token/],
      ['unknown scope', `ci:secret:${ONE}`, /entry "ci": scopes must be one or more of secrets, admin, metrics/],
      ['no scope', `ci::${ONE}`, /entry "ci": scopes must be one or more/],
      ['scope twice', `ci:admin+admin:${ONE}`, /entry "ci" lists a scope twice/],
      ['bad name', `-ci:secrets:${ONE}`, /entry 1: the name must be/],
      ['second entry bad', `ci:secrets:${ONE},ops:admin:short`, /entry "ops": the token is too short/],
    ])('%s', (_case, value, message) => {
      let thrown: unknown;
      try {
        loadConfig({ VOUCHSAFE_API_TOKENS: value });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      const text = (thrown as Error).message;
      expect(text).toMatch(message);
      for (const token of value.split(',').map((e) => e.split(':').at(-1)!)) if (token.length >= 8) expect(text).not.toContain(token);
    });

    it('accepts 64 hex characters and what `keys generate --token` makes', () => {
      const hex = randomBytes(32).toString('hex');
      expect(loadConfig({ VOUCHSAFE_API_TOKENS: `a:metrics:${hex},b:secrets:${generateApiToken()}` }).apiTokens).toHaveLength(2);
    });

    it('never refuses a generated token (no false alarms from the randomness checks)', () => {
      for (let i = 0; i < 2_000; i++) expect(weakTokenReason(generateApiToken())).toBeUndefined();
      for (let i = 0; i < 2_000; i++) expect(weakTokenReason(randomBytes(32).toString('hex'))).toBeUndefined();
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ VOUCHSAFE_API_TOKENS: 'short' })).toThrow(/VOUCHSAFE_API_TOKENS entry 1/);
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
});
