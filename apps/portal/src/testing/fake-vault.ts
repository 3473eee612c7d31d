import type { RevealRequest, SecretMetadata } from '@vouchsafe/contracts';
import { encodeLinkKey, sealSecret, toBase64Url, type SecretPayload } from '@vouchsafe/crypto';
import type { ApiFailure, ApiResult, RecipientVerifyMethod, RevealApi } from '../api/reveal-api';

export const GRANT = 'G'.repeat(43);
export const IDP_URL = 'https://idp.example/authorize?state=abc';

export const TEST_ITERATIONS = 1_000;
export const SECRET_ID = 'AbCdEfGhIjKlMnOpQrStUv';

/**
 * An in-memory stand-in for the vault endpoints that behaves like the contract: GET never
 * consumes; reveal checks the key and passphrase checks before consuming. Real crypto, no network.
 */
export async function createFakeVault(
  payload: SecretPayload,
  opts: { passphrase?: string; views?: number; verifyMethods?: RecipientVerifyMethod[] } = {},
) {
  const sealed = await sealSecret(payload, {
    iterations: TEST_ITERATIONS,
    ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
  });
  let viewsLeft = opts.views ?? 1;
  const calls: { getMetadata: number; reveal: RevealRequest[]; verify: string[] } = { getMetadata: 0, reveal: [], verify: [] };
  const needsVerification = opts.verifyMethods !== undefined;
  let nextVerifyFailure: ApiFailure | undefined;
  let nextFailure: ApiFailure | undefined;

  const metadata = (): SecretMetadata => ({
    id: SECRET_ID,
    status: 'available',
    kind: payload.kind,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    viewsLeft,
    needsPassphrase: sealed.passphraseSalt !== undefined,
    ...(sealed.passphraseSalt ? { passphraseSalt: toBase64Url(sealed.passphraseSalt) } : {}),
    ...(needsVerification ? { needsVerification: true, verifyMethods: opts.verifyMethods } : {}),
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
      // Like the API: a verified-only secret opens only with the one grant the callback issued.
      if (needsVerification && body.grant !== GRANT) return { ok: false, failure: { kind: 'verification-required' } };
      if (sealed.passphraseCheck) {
        if (!body.passphraseCheck) return { ok: false, failure: { kind: 'passphrase-required' } };
        if (body.passphraseCheck !== toBase64Url(sealed.passphraseCheck)) {
          return { ok: false, failure: { kind: 'wrong-passphrase' } };
        }
      }
      viewsLeft--;
      return { ok: true, value: { id: SECRET_ID, kind: payload.kind, ciphertext: toBase64Url(sealed.ciphertext), viewsLeft } };
    },
    async startVerification(_id, method, keyCheck) {
      calls.verify.push(method);
      if (keyCheck !== toBase64Url(sealed.keyCheck)) return { ok: false, failure: { kind: 'wrong-key' } };
      if (nextVerifyFailure) {
        const failure = nextVerifyFailure;
        nextVerifyFailure = undefined;
        return { ok: false, failure };
      }
      return { ok: true, value: { url: IDP_URL } };
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
    failNextVerify(failure: ApiFailure) {
      nextVerifyFailure = failure;
    },
    get viewsLeft() {
      return viewsLeft;
    },
  };
}
