import { toBase64Url } from '@vouchsafe/crypto';
import { describe, expect, it } from 'vitest';
import { parseSecretLocation } from './secret-location';

const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const KEY = toBase64Url(new Uint8Array(32).fill(7));

describe('parseSecretLocation', () => {
  it('reads the id from the path and the key from the fragment', () => {
    const loc = parseSecretLocation(`/s/${ID}`, `#${KEY}`);
    expect(loc.kind).toBe('secret');
    if (loc.kind === 'secret') {
      expect(loc.id).toBe(ID);
      expect(Array.from(loc.linkKey)).toEqual(new Array(32).fill(7));
    }
  });

  it('sends anything outside /s/ to the landing page', () => {
    expect(parseSecretLocation('/', '')).toEqual({ kind: 'landing' });
    expect(parseSecretLocation('/about', '#x')).toEqual({ kind: 'landing' });
  });

  it.each([
    [`/s/${ID}`, ''],
    [`/s/${ID}`, '#'],
    [`/s/${ID}`, `#${KEY.slice(0, 10)}`],
    [`/s/${ID}`, '#not*base64'],
    ['/s/', `#${KEY}`],
    [`/s/${ID.slice(0, 12)}`, `#${KEY}`],
    [`/s/${ID}/extra`, `#${KEY}`],
  ])('%s %s is incomplete', (path, hash) => {
    expect(parseSecretLocation(path, hash).kind).toBe('incomplete');
  });

  it('reads a help-desk tenant from /t/{slug}/s/{id} links', () => {
    const loc = parseSecretLocation(`/t/acme-zendesk/s/${ID}`, `#${KEY}`);
    expect(loc).toMatchObject({ kind: 'secret', id: ID, tenant: 'acme-zendesk' });
    expect(parseSecretLocation(`/s/${ID}`, `#${KEY}`)).not.toHaveProperty('tenant');
    expect(parseSecretLocation(`/t/acme-zendesk/s/${ID}`, '')).toEqual({ kind: 'incomplete', id: ID, tenant: 'acme-zendesk' });
    expect(parseSecretLocation('/t/acme-zendesk/s/', `#${KEY}`).kind).toBe('incomplete');
    expect(parseSecretLocation('/t/Not_A_Slug/s/x', `#${KEY}`).kind).toBe('incomplete');
    expect(parseSecretLocation('/t/acme-zendesk', '').kind).toBe('landing');
  });
});
