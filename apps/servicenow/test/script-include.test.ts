import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';

/**
 * Runs the instance-side Script Include in a sandbox with stand-ins for the few Glide APIs it uses,
 * to check the claims and the URL it builds. (It cannot prove GlideJWTAPI behaves as documented:
 * that needs a real instance.)
 */
const SOURCE = readFileSync(new URL('../instance/VouchsafeSidebarToken.script-include.js', import.meta.url), 'utf8');
const SYS_ID = '9d385017c611228701d22104cc95c371';

function load(properties: Record<string, string> = {}, readable: string[] = [SYS_ID]) {
  const generateJWT = vi.fn((_provider: string, _header: string, _payload: string) => 'eyJ.header.sig');
  const props: Record<string, string> = {
    instance_name: 'acme',
    'glide.servlet.uri': 'https://acme.service-now.com/',
    'vouchsafe.url': 'https://vouchsafe.acme.com/',
    'vouchsafe.jwt_provider': 'a'.repeat(32),
    'vouchsafe.audience': 'vouchsafe-acme',
    ...properties,
  };
  const sandbox: Record<string, unknown> = {
    Class: {
      create: () =>
        function (this: { initialize(): void }) {
          this.initialize();
        },
    },
    gs: {
      getProperty: (name: string, fallback?: string) => props[name] ?? fallback,
      getUserID: () => '6816f79cc0a8016401c5a33be04be441',
      getUserDisplayName: () => 'Jane Agent',
      generateGUID: () => 'b'.repeat(32),
    },
    GlideRecordSecure: function (this: object, table: string) {
      return { isValid: () => table === 'incident', get: (id: string) => readable.includes(id) };
    },
    GlideDateTime: function () {
      return { getNumericValue: () => Date.parse('2026-11-25T16:00:00Z') };
    },
    sn_auth: {
      GlideJWTAPI: function () {
        return { generateJWT };
      },
    },
  };
  runInNewContext(SOURCE, sandbox);
  const Token = sandbox.VouchsafeSidebarToken as new () => { mint(t: string, s: string): string; sidebarUrl(t: string, s: string): string };
  return { token: new Token(), generateJWT };
}

describe('VouchsafeSidebarToken (instance script include)', () => {
  it('signs the claims the API checks, for 60 seconds, with the configured provider', () => {
    const { token, generateJWT } = load();
    expect(token.mint('incident', SYS_ID)).toBe('eyJ.header.sig');
    const [provider, header, payload] = generateJWT.mock.calls[0] ?? [];
    expect(provider).toBe('a'.repeat(32));
    expect(JSON.parse(header ?? '')).toEqual({ alg: 'RS256', typ: 'JWT' });
    const iat = Date.parse('2026-11-25T16:00:00Z') / 1000;
    expect(JSON.parse(payload ?? '')).toEqual({
      iss: 'acme',
      aud: 'vouchsafe-acme',
      sub: '6816f79cc0a8016401c5a33be04be441',
      name: 'Jane Agent',
      table: 'incident',
      sys_id: SYS_ID,
      iat,
      exp: iat + 60,
      jti: 'b'.repeat(32),
    });
  });

  it('caps the lifetime at 5 minutes', () => {
    const { token, generateJWT } = load({ 'vouchsafe.token_seconds': '86400' });
    token.mint('incident', SYS_ID);
    const payload = JSON.parse(generateJWT.mock.calls[0]?.[2] ?? '');
    expect(payload.exp - payload.iat).toBe(300);
  });

  it('mints nothing for malformed ids, unknown tables or records the agent cannot read', () => {
    const { token, generateJWT } = load({}, []);
    expect(token.mint('incident', SYS_ID)).toBe('');
    expect(token.mint('incident', 'x')).toBe('');
    expect(token.mint('Incident;drop', SYS_ID)).toBe('');
    expect(token.mint('not_a_table', SYS_ID)).toBe('');
    expect(generateJWT).not.toHaveBeenCalled();
  });

  it('builds the iFrame URL with the token in the fragment and the instance origin', () => {
    const { token } = load();
    expect(token.sidebarUrl('incident', SYS_ID)).toBe(
      `https://vouchsafe.acme.com/apps/servicenow/?table=incident&sys_id=${SYS_ID}&origin=https%3A%2F%2Facme.service-now.com#token=eyJ.header.sig`,
    );
    expect(load({ 'vouchsafe.reply_mode': 'postmessage' }).token.sidebarUrl('incident', SYS_ID)).toContain('&reply=postmessage#token=');
    expect(load({}, []).token.sidebarUrl('incident', SYS_ID)).toBe('');
  });
});
