import { useCallback, useEffect, useRef, useState } from 'react';
import {
  SidebarApiError,
  type EndReason,
  type SidebarApi,
  type Verification,
  type VerificationMethod,
  type VerificationOverview,
} from '@vouchsafe/contracts';
import { formatWait } from '../format';
import { messages } from '../messages';
import { applyChange, isNewer } from './verification-model';

export type VerifyApi = Pick<
  SidebarApi,
  | 'getVerifications'
  | 'startVerification'
  | 'cancelVerification'
  | 'submitVerificationCode'
  | 'requestOverride'
  | 'approveOverride'
  | 'declineOverride'
  | 'listPendingOverrides'
  | 'acknowledgeFraudFlag'
  | 'subscribeVerifications'
>;

export type VerifyAction = 'start' | 'cancel' | 'code' | 'override' | 'approve' | 'decline' | 'acknowledge';

export interface VerificationController {
  /** Undefined until the first answer. */
  overview: VerificationOverview | undefined;
  isLoadFailed: boolean;
  reload: () => void;
  /** The sentence for a refused start (429), until the next start. */
  limitMessage: string | undefined;
  busy: VerifyAction | undefined;
  start: (method: VerificationMethod) => Promise<void>;
  /** Ends the current attempt early, with the agent's reason when given (issue 16). */
  cancel: (reason?: EndReason) => Promise<void>;
  /** Resolves true when the code was sent (right or wrong: the verification says which). */
  submitCode: (code: string) => Promise<boolean>;
  requestOverride: (reason: string) => Promise<boolean>;
  approve: (verification: Verification) => Promise<boolean>;
  /** A supervisor declines another agent's request, with a reason (issue 16). */
  decline: (verification: Verification, reason: string) => Promise<boolean>;
  /** Issue 16: a supervisor acknowledges the ticket's fraud flag. Resolves true when done. */
  acknowledgeFraudFlag: (reason: string) => Promise<boolean>;
}

const isLimit = (err: unknown): err is SidebarApiError => err instanceof SidebarApiError && err.status === 429;

/**
 * The Verify caller state: the overview read once, then kept current by the live subscription
 * (SSE or polling, whichever the host's API offers), and the agent's actions. None of them can
 * make a caller verified: only the IdP's answer, arriving through the API, does.
 */
export function useVerification(api: VerifyApi, onError: (err: unknown) => void): VerificationController {
  const [overview, setOverview] = useState<VerificationOverview | undefined>(undefined);
  const [isLoadFailed, setIsLoadFailed] = useState(false);
  const [limitMessage, setLimitMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<VerifyAction | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  const isMounted = useRef(true);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const loading = useRef<Promise<void> | undefined>(undefined);
  const shownRef = useRef(overview);
  shownRef.current = overview;
  /**
   * The newest state heard live for each verification. Answers can overtake each other (a fast IdP's
   * event arrives before the start request's answer, or while an older overview read is in flight),
   * so whatever is about to be shown is first reconciled with it: a verification never moves back.
   */
  const heard = useRef(new Map<string, Verification>());
  const reconcile = useCallback((v: Verification | null): Verification | null => {
    if (!v) return v;
    const latest = heard.current.get(v.id);
    return latest && !isNewer(v, latest) ? latest : v;
  }, []);

  /** Counts changes to the shown verification made since a read began: a read that was overtaken keeps them. */
  const changes = useRef(0);

  const load = useCallback((): Promise<void> => {
    const changesAtStart = changes.current;
    loading.current ??= api
      .getVerifications()
      .then(
        (next) => {
          if (!isMounted.current) return;
          setOverview((shown) => {
            const isOvertaken = changes.current !== changesAtStart && shown !== undefined;
            return { ...next, current: reconcile(isOvertaken ? shown.current : next.current) };
          });
          setIsLoadFailed(false);
        },
        (err: unknown) => {
          if (!isMounted.current) return;
          setIsLoadFailed(true);
          onErrorRef.current(err);
        },
      )
      .finally(() => {
        loading.current = undefined;
      });
    return loading.current;
  }, [api, reconcile]);

  useEffect(() => {
    isMounted.current = true;
    void load();
    const unsubscribe = api.subscribeVerifications(
      (change) => {
        if (!isMounted.current) return;
        const before = heard.current.get(change.id);
        if (!before || isNewer(change, before)) heard.current.set(change.id, change);
        changes.current += 1;
        const shown = shownRef.current;
        const isKnown = shown !== undefined && applyChange(shown, change).isKnown;
        if (isKnown) setOverview((latest) => (latest ? applyChange(latest, change).overview : latest));
        // Not one the sidebar shows: a new verification of this agent (another tab) or a new override request for a
        // supervisor. A possible-fraud outcome raises (its acknowledgement clears) the ticket's fraud flag (issue 16).
        // The overview says which, as the server sees it.
        if (!isKnown || change.isFraudSuspected) void load();
      },
      (err) => {
        // The subscription keeps trying by itself; only a refused session ends the sidebar.
        if (isMounted.current && err.failure === 'session_rejected') onErrorRef.current(err);
      },
    );
    return () => {
      isMounted.current = false;
      unsubscribe();
    };
  }, [api, load, attempt]);

  /** An action's answer: the verification as it now stands. */
  const setAnswer = (verification: Verification): void => {
    changes.current += 1;
    setOverview((shown) => (shown ? applyChange(shown, verification).overview : shown));
  };

  async function run<T>(action: VerifyAction, call: () => Promise<T>): Promise<T | undefined> {
    setBusy(action);
    try {
      return await call();
    } catch (err) {
      if (!isMounted.current) return undefined;
      if (action === 'start' && isLimit(err)) {
        setLimitMessage(messages.verify.rateLimited(err.retryAfterSeconds === undefined ? undefined : formatWait(err.retryAfterSeconds)));
        void load(); // the methods now say why they are unavailable
      } else {
        onErrorRef.current(err);
      }
      return undefined;
    } finally {
      if (isMounted.current) setBusy(undefined);
    }
  }

  const currentId = overview?.current?.id;
  return {
    overview,
    isLoadFailed,
    reload: () => setAttempt((n) => n + 1),
    limitMessage,
    busy,
    async start(method) {
      setLimitMessage(undefined);
      const started = await run('start', () => api.startVerification(method));
      // A fast IdP can answer before this POST does: the live event (or the overview it triggered)
      // may already show this verification further along. Never move it back.
      if (started && isMounted.current) {
        changes.current += 1;
        setOverview((shown) => {
          if (!shown) return shown;
          const same = shown.current?.id === started.id ? shown.current : null;
          return same && !isNewer(started, same) ? shown : { ...shown, current: reconcile(started) };
        });
      }
    },
    async cancel(reason) {
      if (!currentId) return;
      const cancelled = await run('cancel', () => api.cancelVerification(currentId, reason));
      if (cancelled && isMounted.current) setAnswer(cancelled);
    },
    async submitCode(code) {
      if (!currentId) return false;
      const answered = await run('code', () => api.submitVerificationCode(currentId, code));
      if (answered && isMounted.current) setAnswer(answered);
      return answered !== undefined;
    },
    async requestOverride(reason) {
      if (!currentId) return false;
      const requested = await run('override', () => api.requestOverride(currentId, reason));
      if (requested && isMounted.current) setAnswer(requested);
      return requested !== undefined;
    },
    async approve(verification) {
      const approved = await run('approve', () => api.approveOverride(verification.id));
      if (approved && isMounted.current) setAnswer(approved);
      return approved !== undefined;
    },
    async decline(verification, reason) {
      const declined = await run('decline', () => api.declineOverride(verification.id, reason));
      if (declined && isMounted.current) setAnswer(declined);
      return declined !== undefined;
    },
    async acknowledgeFraudFlag(reason) {
      const next = await run('acknowledge', () => api.acknowledgeFraudFlag(reason));
      if (next && isMounted.current) {
        changes.current += 1;
        setOverview((shown) => (shown ? { ...shown, fraudFlag: next.fraudFlag ?? null } : shown));
      }
      return next !== undefined;
    },
  };
}
