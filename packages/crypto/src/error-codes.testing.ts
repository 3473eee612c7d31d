import { expect } from 'vitest';
import { CryptoError } from './errors';

/** Test helper (not exported from the package): the CryptoError code `fn` throws; fails on success or another error. */
export function codeOfSync(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return (err as CryptoError).code;
  }
  throw new Error('expected a CryptoError, got success');
}

/** The same for a promise. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return (err as CryptoError).code;
  }
  throw new Error('expected a CryptoError, got success');
}
