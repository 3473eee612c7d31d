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
});
