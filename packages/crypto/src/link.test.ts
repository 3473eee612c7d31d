import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSecretLink, generateLinkKey, parseSecretLink, toBase64Url } from './index';
import { codeOfSync } from './error-codes.testing';

const ID = 'AbCdEfGhIjKlMnOpQrStUv';

describe('secret links', () => {
  it('builds base/s/id#key and parses it back', () => {
    const key = generateLinkKey();
    const link = buildSecretLink('https://vault.example.com/', ID, key);
    expect(link).toBe(`https://vault.example.com/s/${ID}#${toBase64Url(key)}`);
    const parsed = parseSecretLink(link);
    expect(parsed.origin).toBe('https://vault.example.com');
    expect(parsed.id).toBe(ID);
    expect(Array.from(parsed.linkKey)).toEqual(Array.from(key));
  });

  it('parses a help-desk tenant link /t/{tenant}/s/{id}#key, and no tenant from a plain one', () => {
    const key = generateLinkKey();
    const parsed = parseSecretLink(buildSecretLink('https://vault.example.com/t/acme-zendesk', ID, key));
    expect(parsed).toMatchObject({ origin: 'https://vault.example.com', id: ID, tenant: 'acme-zendesk' });
    expect(parseSecretLink(buildSecretLink('https://vault.example.com', ID, key)).tenant).toBeUndefined();
    // Not a slug (upper case, too short): the tenant part is not taken, the id still is.
    expect(parseSecretLink(`https://v.example/t/ACME/s/${ID}#${toBase64Url(key)}`).tenant).toBeUndefined();
  });

  it('rejects a missing, short or garbled fragment as invalid_link_key', () => {
    const short = toBase64Url(new Uint8Array(8));
    for (const link of [
      `https://v.example/s/${ID}`,
      `https://v.example/s/${ID}#`,
      `https://v.example/s/${ID}#${short}`,
      `https://v.example/s/${ID}#***`,
      `https://v.example/x/${ID}#${toBase64Url(generateLinkKey())}`,
      'not a url',
    ]) {
      expect(codeOfSync(() => parseSecretLink(link))).toBe('invalid_link_key');
    }
  });
});

describe('portability', () => {
  it('source files import nothing from node: (the same code runs in the browser)', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(3);
    for (const f of sources) {
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      expect(text, f).not.toMatch(/from ['"]node:|require\(|console\./);
    }
  });
});
