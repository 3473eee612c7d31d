import type { RevealRequest, SecretMetadata } from '@vouchsafe/contracts';
import { encodeLinkKey, sealSecret, toBase64Url, type SecretPayload } from '@vouchsafe/crypto';
import type { ApiFailure, ApiResult, RevealApi } from '../api/reveal-api';

export const TEST_ITERATIONS = 1_000;
export const SECRET_ID = 'AbCdEfGhIjKlMnOpQrStUv';

/**
 * An in-memory stand-in for the vault endpoints that behaves like the contract: GET never
 * consumes; reveal checks the key and passphrase checks before consuming. Real crypto, no network.
 */
export async function createFakeVault(payload: SecretPayload, opts: { passphrase?: string; views?: number } = {}) {
  const sealed = await sealSecret(payload, {
    iterations: TEST_ITERATIONS,
    ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
  });
  let viewsLeft = opts.views ?? 1;
  const calls: { getMetadata: number; reveal: RevealRequest[] } = { getMetadata: 0, reveal: [] };
  let nextFailure: ApiFailure | undefined;

  const metadata = (): SecretMetadata => ({
    id: SECRET_ID,
    status: 'available',
    kind: payload.kind,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    viewsLeft,
    needsPassphrase: sealed.passphraseSalt !== undefined,
    ...(sealed.passphraseSalt ? { passphraseSalt: toBase64Url(sealed.passphraseSalt) } : {}),
  });

  const api: RevealApi = {
    async getMetadata(): Promise<ApiResult<SecretMetadata>> {
      calls.getMetadata++;
      return viewsLeft > 0 ? { ok: true, value: metadata() } : { ok: false, failure: { kind: 'gone' } };
    },
    async reveal(_id, body) {
      calls.reveal.push(body);
      if (nextFailure) {
        const failure = nextFailure;
        nextFailure = undefined;
        return { ok: false, failure };
      }
      if (viewsLeft <= 0) return { ok: false, failure: { kind: 'gone' } };
      if (body.keyCheck !== toBase64Url(sealed.keyCheck)) return { ok: false, failure: { kind: 'wrong-key' } };
      if (sealed.passphraseCheck) {
        if (!body.passphraseCheck) return { ok: false, failure: { kind: 'passphrase-required' } };
        if (body.passphraseCheck !== toBase64Url(sealed.passphraseCheck)) {
          return { ok: false, failure: { kind: 'wrong-passphrase' } };
        }
      }
      viewsLeft--;
      return { ok: true, value: { id: SECRET_ID, kind: payload.kind, ciphertext: toBase64Url(sealed.ciphertext), viewsLeft } };
    },
  };

  return {
    api,
    calls,
    linkKey: sealed.linkKey,
    hash: `#${encodeLinkKey(sealed.linkKey)}`,
    failNextReveal(failure: ApiFailure) {
      nextFailure = failure;
    },
    get viewsLeft() {
      return viewsLeft;
    },
  };
}
