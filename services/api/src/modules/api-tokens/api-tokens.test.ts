import { describe, expect, it } from 'vitest';
import { actorOf, findApiToken, formatApiTokenEntry, generateApiToken, parseApiTokens } from './api-tokens';

describe('API tokens', () => {
  const [ci, ops] = [generateApiToken(), generateApiToken()];
  const tokens = parseApiTokens(
    formatApiTokenEntry('ci-sender', ['secrets'], ci) + ',' + formatApiTokenEntry('ops', ['admin', 'metrics'], ops),
  );

  it('finds the entry a presented token belongs to, and nothing for anything else', () => {
    expect(findApiToken(tokens, ci)?.name).toBe('ci-sender');
    expect(findApiToken(tokens, ops)?.scopes).toEqual(['admin', 'metrics']);
    for (const other of ['', ci.slice(1), `${ci} `, ci.toUpperCase(), generateApiToken()])
      expect(findApiToken(tokens, other)).toBeUndefined();
    expect(findApiToken([], ci)).toBeUndefined();
  });

  it('keeps digests only, and names the actor by token name', () => {
    expect(JSON.stringify(tokens)).not.toContain(ci);
    expect(Object.isFrozen(tokens[0])).toBe(true);
    expect(actorOf(tokens[1]!)).toBe('api-token:ops');
  });

  it('formats entries the parser reads back', () => {
    const token = generateApiToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseApiTokens(formatApiTokenEntry('x', ['metrics'], token))[0]).toMatchObject({ name: 'x', scopes: ['metrics'] });
  });
});
