import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { generateKeyEntry } from './modules/keys/keyring';
import { generateApiToken, weakTokenReason } from './modules/api-tokens/api-tokens';
import { generateAuditKey } from './modules/audit/checkpoints-keys';

const AUDIT = generateAuditKey('audit1');

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

  describe('audit checkpoint settings (issue 9)', () => {
    const base = { DATABASE_URL: 'postgres://u:p@db/x', VOUCHSAFE_KEYS: generateKeyEntry('k') };
    it('requires the signing key with DATABASE_URL for the API, not for admin commands', () => {
      expect(() => loadConfig(base)).toThrow(/VOUCHSAFE_AUDIT_SIGNING_KEY is required when DATABASE_URL is set/);
      expect(loadConfig(base, { role: 'cli' }).auditSigningKey).toBeUndefined();
    });
    it('parses the signing key and the old public keys, deriving the current public key', () => {
      const old = generateAuditKey('audit0');
      const c = loadConfig({ ...base, VOUCHSAFE_AUDIT_SIGNING_KEY: AUDIT.signingKey, VOUCHSAFE_AUDIT_PUBLIC_KEYS: old.publicKey });
      expect(`${c.auditSigningKey!.kid}:${c.auditSigningKey!.publicKey.x}`).toBe(AUDIT.publicKey);
      expect(c.auditPublicKeys.map((k) => k.kid)).toEqual(['audit0']);
      expect(c.auditCheckpointIntervalMs).toBeLessThanOrEqual(10_000);
      expect(JSON.stringify(c)).not.toContain(AUDIT.signingKey.split(':')[1]);
    });
    it('refuses a malformed key without echoing it, and an interval above a minute', () => {
      const bad = `x:${'A'.repeat(64)}`;
      expect(() => loadConfig({ ...base, VOUCHSAFE_AUDIT_SIGNING_KEY: bad })).toThrow(
        /VOUCHSAFE_AUDIT_SIGNING_KEY \(kid x\) is not a PKCS#8/,
      );
      try {
        loadConfig({ ...base, VOUCHSAFE_AUDIT_SIGNING_KEY: bad });
      } catch (err) {
        expect((err as Error).message).not.toContain('A'.repeat(64));
      }
      expect(() => loadConfig({ VOUCHSAFE_AUDIT_PUBLIC_KEYS: 'k:short' })).toThrow(/VOUCHSAFE_AUDIT_PUBLIC_KEYS entry 1/);
      expect(() => loadConfig({ VOUCHSAFE_AUDIT_CHECKPOINT_INTERVAL_MS: '60001' })).toThrow(/VOUCHSAFE_AUDIT_CHECKPOINT_INTERVAL_MS/);
    });
    it('requires the checkpoint directory in production', () => {
      const prod = {
        ...base,
        NODE_ENV: 'production',
        VOUCHSAFE_PUBLIC_URL: 'https://vs.example.com',
        VOUCHSAFE_AUDIT_SIGNING_KEY: AUDIT.signingKey,
      };
      expect(() => loadConfig(prod)).toThrow(/VOUCHSAFE_AUDIT_CHECKPOINT_DIR is required with NODE_ENV=production/);
      expect(loadConfig({ ...prod, VOUCHSAFE_AUDIT_CHECKPOINT_DIR: '/var/lib/vouchsafe/checkpoints' }).auditCheckpointDir).toBe(
        '/var/lib/vouchsafe/checkpoints',
      );
    });
  });

  it('parses the keyring with the first entry active, and the API tokens', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db/x',
      VOUCHSAFE_KEYS: `${generateKeyEntry('b')},${generateKeyEntry('a')}`,
      VOUCHSAFE_AUDIT_SIGNING_KEY: AUDIT.signingKey,
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
      [
        'counting sequence',
        'ci:secrets:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
        /entry "ci": the token does not look random/,
      ],
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
    // No blanket desk wildcards: registered tenants' origins are added at run time, per desk.
    expect(c.frameAncestors).toEqual({ zendesk: [], servicenow: [] });
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

  it('takes extra frame-ancestors per desk, origins only (nothing that could end the CSP directive)', () => {
    const c = loadConfig({
      VOUCHSAFE_FRAME_ANCESTORS_ZENDESK: "'self' http://localhost:5173",
      VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW: 'https://acme.servicenowservices.com',
    });
    expect(c.frameAncestors).toEqual({ zendesk: ["'self'", 'http://localhost:5173'], servicenow: ['https://acme.servicenowservices.com'] });
    for (const bad of ['https://a.zendesk.com; script-src *', "'unsafe-inline'", '*']) {
      expect(() => loadConfig({ VOUCHSAFE_FRAME_ANCESTORS_ZENDESK: bad })).toThrow(/VOUCHSAFE_FRAME_ANCESTORS_ZENDESK/);
      expect(() => loadConfig({ VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW: bad })).toThrow(/VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW/);
    }
  });

  it('refuses the old one-list-for-every-desk VOUCHSAFE_FRAME_ANCESTORS, naming its replacements', () => {
    expect(() => loadConfig({ VOUCHSAFE_FRAME_ANCESTORS: 'https://*.zendesk.com' })).toThrow(
      /VOUCHSAFE_FRAME_ANCESTORS_ZENDESK and VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW/,
    );
  });

  it('accepts an https or same-server ZAF SDK URL only', () => {
    expect(loadConfig({ VOUCHSAFE_ZAF_SDK_URL: '/apps/zendesk/vendor/zaf_sdk.js' }).zafSdkUrl).toBe('/apps/zendesk/vendor/zaf_sdk.js');
    expect(() => loadConfig({ VOUCHSAFE_ZAF_SDK_URL: 'http://cdn.example/zaf.js' })).toThrow(/VOUCHSAFE_ZAF_SDK_URL/);
    expect(() => loadConfig({ VOUCHSAFE_ZAF_SDK_URL: 'https://x/"><script>' })).toThrow(/VOUCHSAFE_ZAF_SDK_URL/);
  });

  it('defaults CORS to the Forge CDN only (registered Jira sites are added at run time), and accepts only origins', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['https://*.cdn.prod.atlassian-dev.net']);
    expect(loadConfig({ VOUCHSAFE_CORS_ORIGINS: 'https://acme.atlassian.net' }).corsOrigins).toEqual(['https://acme.atlassian.net']);
    for (const bad of ['*', 'https://a.example/path', 'https://*', 'null']) {
      expect(() => loadConfig({ VOUCHSAFE_CORS_ORIGINS: bad })).toThrow(/VOUCHSAFE_CORS_ORIGINS/);
    }
  });

  it('maker-checker (issue 10): four eyes unless asked otherwise; production refuses single_admin', () => {
    const prod = { NODE_ENV: 'production', VOUCHSAFE_PUBLIC_URL: 'https://vouchsafe.acme.com', VOUCHSAFE_AUDIT_CHECKPOINT_DIR: '/srv/cp' };
    expect(loadConfig(prod).approvals).toBeUndefined(); // server.ts: four_eyes (single_admin only for the embedded demo)
    expect(loadConfig({ ...prod, VOUCHSAFE_APPROVALS: 'four_eyes' }).approvals).toBe('four_eyes');
    expect(() => loadConfig({ ...prod, VOUCHSAFE_APPROVALS: 'single_admin' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...prod, VOUCHSAFE_APPROVALS: 'single_admin' })).toThrow(
      /VOUCHSAFE_APPROVALS=single_admin .*refused with NODE_ENV=production/,
    );
    expect(loadConfig({ VOUCHSAFE_APPROVALS: 'single_admin' }).approvals).toBe('single_admin');
    expect(() => loadConfig({ VOUCHSAFE_APPROVALS: 'one_eye' })).toThrow(/VOUCHSAFE_APPROVALS/);
  });

  it('requires VOUCHSAFE_PUBLIC_URL in production (links and IdP callbacks never follow the Host header there)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/VOUCHSAFE_PUBLIC_URL is required/);
    const dir = { VOUCHSAFE_AUDIT_CHECKPOINT_DIR: '/srv/checkpoints' }; // also required in production (issue 9)
    expect(loadConfig({ NODE_ENV: 'production', VOUCHSAFE_PUBLIC_URL: 'https://vouchsafe.acme.com/', ...dir }).publicUrl).toBe(
      'https://vouchsafe.acme.com',
    );
    expect(loadConfig({}).publicUrl).toBeUndefined();
  });

  // Outbound connections (issue 8, S12).
  it('parses VOUCHSAFE_OUTBOUND_ALLOW at start-up and names a bad entry', () => {
    expect(loadConfig({}).outboundAllow).toEqual([]);
    expect(loadConfig({ VOUCHSAFE_OUTBOUND_ALLOW: '10.20.0.0/16, 127.0.0.1:8443' }).outboundAllow.map((e) => e.text)).toEqual([
      '10.20.0.0/16',
      '127.0.0.1:8443',
    ]);
    expect(() => loadConfig({ VOUCHSAFE_OUTBOUND_ALLOW: '10.20.0.0/16 169.254.169.254' })).toThrow(
      /VOUCHSAFE_OUTBOUND_ALLOW entry "169\.254\.169\.254" is a cloud metadata address|covers the cloud metadata/,
    );
    expect(() => loadConfig({ VOUCHSAFE_OUTBOUND_ALLOW: 'sso.bank.internal' })).toThrow(ConfigError);
  });

  it('checks VOUCHSAFE_FORGE_JWKS_URL with the outbound rules', () => {
    for (const bad of [
      'http://forge.example.com/jwks.json',
      'https://127.0.0.1/jwks.json',
      'https://[::ffff:7f00:1]/jwks',
      'https://localhost/jwks',
      'https://u:p@forge.example.com/jwks',
    ]) {
      expect(() => loadConfig({ VOUCHSAFE_FORGE_JWKS_URL: bad }), bad).toThrow(/VOUCHSAFE_FORGE_JWKS_URL/);
    }
    expect(
      loadConfig({ VOUCHSAFE_FORGE_JWKS_URL: 'https://127.0.0.1:8443/jwks', VOUCHSAFE_OUTBOUND_ALLOW: '127.0.0.1:8443' }).forgeJwksUrl,
    ).toBe('https://127.0.0.1:8443/jwks');
    expect(
      loadConfig({ VOUCHSAFE_FORGE_JWKS_URL: 'http://127.0.0.1:4000/jwks', VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'true' }).forgeJwksUrl,
    ).toBe('http://127.0.0.1:4000/jwks');
  });

  it('has database time limits: 10 s statements, 5 s to get a connection, 2 s for /readyz; each bounded', () => {
    const c = loadConfig({});
    expect([c.databaseStatementTimeoutMs, c.databaseAcquireTimeoutMs, c.readyTimeoutMs]).toEqual([10_000, 5_000, 2_000]);
    const set = loadConfig({
      DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      DATABASE_ACQUIRE_TIMEOUT_MS: '800',
      VOUCHSAFE_READY_TIMEOUT_MS: '300',
    });
    expect([set.databaseStatementTimeoutMs, set.databaseAcquireTimeoutMs, set.readyTimeoutMs]).toEqual([2500, 800, 300]);
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_ACQUIRE_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_ACQUIRE_TIMEOUT_MS/);
    expect(() => loadConfig({ VOUCHSAFE_READY_TIMEOUT_MS: '60000' })).toThrow(/VOUCHSAFE_READY_TIMEOUT_MS/);
  });

  describe('the PKCS#11 token and the session keys (issue 10)', () => {
    const PIN = 'pin-7d1e5c';
    const hsm = {
      DATABASE_URL: 'postgres://u:p@db/x',
      VOUCHSAFE_AUDIT_SIGNING_KEY: AUDIT.signingKey,
      VOUCHSAFE_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      VOUCHSAFE_PKCS11_TOKEN_LABEL: 'vouchsafe',
      VOUCHSAFE_PKCS11_KEYS: 'kek-2026, kek-2025',
      VOUCHSAFE_SESSION_KEYS: generateKeyEntry('s1'),
    };
    const problem = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).not.toContain(PIN);
        return (err as Error).message;
      }
      return 'accepted';
    };

    it('reads the token settings, the PIN from a file without its newline, and never shows the PIN', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'vouchsafe-pin-'));
      try {
        writeFileSync(path.join(dir, 'pin'), `${PIN}\n`, { mode: 0o600 });
        const c = loadConfig({ ...hsm, VOUCHSAFE_PKCS11_PIN_FILE: path.join(dir, 'pin') });
        expect(c.pkcs11).toMatchObject({ tokenLabel: 'vouchsafe', keyLabels: ['kek-2026', 'kek-2025'] });
        expect(c.pkcs11!.pin.reveal()).toBe(PIN);
        expect(c.keyring).toBeUndefined();
        expect(c.sessionKeys?.map((k) => k.kid)).toEqual(['s1']);
        expect(JSON.stringify(c)).not.toContain(PIN);
        expect(inspect(c, { depth: 10 })).not.toContain(PIN);
        expect(`${c.pkcs11!.pin}`).toBe('[redacted]');
        expect(problem({ ...hsm, VOUCHSAFE_PKCS11_PIN_FILE: path.join(dir, 'missing') })).toMatch(
          /VOUCHSAFE_PKCS11_PIN_FILE .*missing cannot be read \(ENOENT\)/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses incomplete or contradictory token settings, and a token without a session key', () => {
      expect(problem({ ...hsm })).toMatch(/needs its user PIN/);
      expect(problem({ ...hsm, VOUCHSAFE_PKCS11_PIN: PIN, VOUCHSAFE_PKCS11_PIN_FILE: '/run/secrets/pin' })).toMatch(/not both/);
      expect(problem({ ...hsm, VOUCHSAFE_PKCS11_PIN: PIN, VOUCHSAFE_PKCS11_KEYS: '' })).toMatch(/VOUCHSAFE_PKCS11_KEYS is set but empty/);
      expect(problem({ ...hsm, VOUCHSAFE_PKCS11_PIN: PIN, VOUCHSAFE_PKCS11_KEYS: 'a,a' })).toMatch(/twice/);
      const { VOUCHSAFE_PKCS11_TOKEN_LABEL: _label, ...noToken } = hsm;
      expect(problem({ ...noToken, VOUCHSAFE_PKCS11_PIN: PIN })).toMatch(/settings go together: VOUCHSAFE_PKCS11_TOKEN_LABEL is missing/);
      const { VOUCHSAFE_SESSION_KEYS: _s, ...noSessionKey } = hsm;
      expect(problem({ ...noSessionKey, VOUCHSAFE_PKCS11_PIN: PIN })).toMatch(/set VOUCHSAFE_SESSION_KEYS/);
      // With the environment keys still configured, sessions keep their derived keys (the default).
      expect(problem({ ...noSessionKey, VOUCHSAFE_PKCS11_PIN: PIN, VOUCHSAFE_KEYS: generateKeyEntry('k1') })).toBe('accepted');
      expect(problem({ VOUCHSAFE_SESSION_KEYS: 'nope' })).toMatch(/VOUCHSAFE_SESSION_KEYS entry 1 is not "kid:base64\(32 bytes\)"/);
    });
  });
});
