import { describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../testing/memory-storage';
import { forgetVerifyReturn, keepLinkKey, linkKeyStorageKey, readVerifyReturn, type KeyStorage } from './verify-return';

const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const GRANT = 'G'.repeat(43);

describe('verify return', () => {
  it('keeps the key under the secret id and reads it back with the grant, without deleting it', () => {
    const storage = memoryStorage();
    keepLinkKey(storage, ID, 'key-fragment');
    expect(storage.items.get(linkKeyStorageKey(ID))).toBe('key-fragment');
    expect(readVerifyReturn(`?grant=${GRANT}`, ID, storage)).toEqual({ grant: GRANT, fragment: 'key-fragment' });
    expect(readVerifyReturn(`?grant=${GRANT}`, ID, storage)).toEqual({ grant: GRANT, fragment: 'key-fragment' });
    expect(readVerifyReturn(`?grant=${GRANT}`, 'OtherIdOtherIdOtherId0', storage)).toEqual({ grant: GRANT, fragment: null });
  });

  it('ignores a missing or malformed grant', () => {
    const storage = memoryStorage();
    expect(readVerifyReturn('', ID, storage)).toBeUndefined();
    expect(readVerifyReturn('?grant=<script>', ID, storage)).toBeUndefined();
    expect(readVerifyReturn(`?grant=${GRANT}`, undefined, storage)).toBeUndefined();
  });

  it('forgets the key and takes the grant out of the address bar, keeping other parameters', () => {
    const storage = memoryStorage();
    keepLinkKey(storage, ID, 'key');
    const history = { state: null, replaceState: vi.fn() };
    forgetVerifyReturn(storage, ID, history, { pathname: `/t/acme/s/${ID}`, search: `?grant=${GRANT}&lang=de` });
    expect(storage.items.size).toBe(0);
    expect(history.replaceState).toHaveBeenCalledWith(null, '', `/t/acme/s/${ID}?lang=de`);
  });

  it('survives storage that throws (disabled by the browser)', () => {
    const broken: KeyStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => undefined,
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(readVerifyReturn(`?grant=${GRANT}`, ID, broken)).toEqual({ grant: GRANT, fragment: null });
    expect(() => forgetVerifyReturn(broken, ID, undefined, { pathname: '/', search: '' })).not.toThrow();
  });
});
