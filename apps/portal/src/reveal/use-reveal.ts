import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { RevealRequest } from '@vouchsafe/contracts';
import { deriveChecks, encodeLinkKey, fromBase64Url, openSecret, toBase64Url } from '@vouchsafe/crypto';
import type { RecipientVerifyMethod, RevealApi } from '../api/reveal-api';
import { keepLinkKey, type KeyStorage } from './verify-return';
import { formMetadata, initialRevealState, revealReducer, type RevealState } from './reveal.reducer';

export interface RevealTarget {
  id: string;
  linkKey: Uint8Array;
  /** The one-time reveal grant the verification callback gave this page (verified-only secrets). */
  grant?: string;
}

export interface RevealDeps {
  api: RevealApi;
  /** PBKDF2 iterations; only tests lower it. */
  iterations?: number;
  now?: () => number;
  /** Where the link key waits during the IdP round trip; sessionStorage in the browser. */
  storage?: KeyStorage;
  /** Leaves for the identity provider; location.assign in the browser. */
  navigate?: (url: string) => void;
}

export interface RevealController {
  state: RevealState;
  reveal: (passphrase: string) => Promise<void>;
  /** "Verify it's you": keep the key for the way back, start the verification, go to the IdP. */
  verify: (method: RecipientVerifyMethod) => Promise<void>;
  retry: () => void;
}

const defaultStorage = (): KeyStorage | undefined => {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
};

/**
 * Loads metadata (never consumes) and reveals only on an explicit call. The link key stays in
 * memory here; only the derived checks go to the server.
 */
export function useReveal(target: RevealTarget | undefined, deps: RevealDeps): RevealController {
  const { api, iterations } = deps;
  const now = deps.now ?? Date.now;
  const [state, dispatch] = useReducer(revealReducer, target !== undefined, initialRevealState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const inFlight = useRef(false);
  const isLoading = state.status === 'loading';
  const id = target?.id;
  const hasGrant = target?.grant !== undefined;

  useEffect(() => {
    if (id === undefined || !isLoading) return;
    const controller = new AbortController();
    api.getMetadata(id, controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        dispatch(
          result.ok
            ? { type: 'metadata_loaded', metadata: result.value, hasGrant }
            : { type: 'metadata_failed', failure: result.failure, at: now() },
        );
      },
      () => {
        if (!controller.signal.aborted) {
          dispatch({ type: 'metadata_failed', failure: { kind: 'unreachable' }, at: now() });
        }
      },
    );
    return () => controller.abort();
    // `now` is read at call time; re-running the fetch because a caller passed a new function would be wrong.
  }, [api, id, isLoading, hasGrant]);

  const reveal = useCallback(
    async (passphrase: string) => {
      const metadata = formMetadata(stateRef.current);
      if (target === undefined || metadata === undefined || inFlight.current) return;
      if (metadata.needsPassphrase && passphrase === '') {
        dispatch({ type: 'passphrase_missing' });
        return;
      }
      inFlight.current = true;
      dispatch({ type: 'reveal_started' });
      try {
        const opts = metadata.needsPassphrase
          ? { passphrase, passphraseSalt: fromBase64Url(metadata.passphraseSalt ?? ''), ...(iterations ? { iterations } : {}) }
          : undefined;
        if (opts && opts.passphraseSalt.length === 0) throw new Error('metadata has no passphrase salt');
        const checks = await deriveChecks(target.linkKey, opts);
        const body: RevealRequest = { keyCheck: toBase64Url(checks.keyCheck) };
        if (checks.passphraseCheck) body.passphraseCheck = toBase64Url(checks.passphraseCheck);
        if (target.grant !== undefined) body.grant = target.grant;
        const result = await api.reveal(target.id, body);
        if (!result.ok) {
          dispatch({ type: 'reveal_failed', failure: result.failure, at: now() });
          return;
        }
        let secret;
        try {
          secret = await openSecret(fromBase64Url(result.value.ciphertext), target.linkKey, opts);
        } catch {
          dispatch({ type: 'decrypt_failed' });
          return;
        }
        dispatch({ type: 'reveal_succeeded', secret, viewsLeft: result.value.viewsLeft });
      } catch {
        dispatch({ type: 'reveal_failed', failure: { kind: 'unexpected', status: 0 }, at: now() });
      } finally {
        inFlight.current = false;
      }
    },
    [api, target, iterations],
  );

  const { storage, navigate } = deps;
  const verify = useCallback(
    async (method: RecipientVerifyMethod) => {
      if (target === undefined || stateRef.current.status !== 'verify' || inFlight.current) return;
      inFlight.current = true;
      dispatch({ type: 'verify_started' });
      try {
        const store = storage ?? defaultStorage();
        try {
          if (!store) throw new Error('no sessionStorage');
          keepLinkKey(store, target.id, encodeLinkKey(target.linkKey));
        } catch {
          // Without storage the way back cannot restore the key: say so rather than send them off.
          dispatch({ type: 'verify_failed', failure: { kind: 'unexpected', status: 0 }, at: now() });
          return;
        }
        // The link key's check (no passphrase): proof that this browser holds the link.
        const { keyCheck } = await deriveChecks(target.linkKey);
        const result = await api.startVerification(target.id, method, toBase64Url(keyCheck));
        if (!result.ok) {
          dispatch({ type: 'verify_failed', failure: result.failure, at: now() });
          return;
        }
        (navigate ?? ((url: string) => globalThis.location.assign(url)))(result.value.url);
      } catch {
        dispatch({ type: 'verify_failed', failure: { kind: 'unexpected', status: 0 }, at: now() });
      } finally {
        inFlight.current = false;
      }
    },
    [api, target, storage, navigate],
  );

  const retry = useCallback(() => dispatch({ type: 'retry' }), []);
  return { state, reveal, verify, retry };
}
