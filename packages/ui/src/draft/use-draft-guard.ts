import { useCallback, useEffect, useRef, useState } from 'react';
import { EXPIRY_PRESETS, type BeforeSaveVerdict, type SidebarApi, type SidebarHost } from '@vouchsafe/contracts';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import { storeSecret, type SentSecret } from '../send/send-secret';
import type * as DraftCheckLib from './draft-check';
import type { DraftCheck } from './draft-check';
import { draftMessages } from './draft-messages';

type DraftCheckModule = typeof DraftCheckLib;

export type DraftGuardState =
  | { phase: 'idle' }
  /** The last save was cancelled: the panel shows what was found and the three ways on. */
  | { phase: 'held'; check: DraftCheck; isWorking: boolean }
  /** After an action: what happened, and the link to copy when the reply could not be changed. */
  | { phase: 'done'; message: string; link?: string }
  /** The detector could not be loaded (an old browser): saves go on, the agent is told. */
  | { phase: 'unavailable' };

export interface DraftGuard {
  state: DraftGuardState;
  moveToSecret(): Promise<void>;
  /** Resolves undefined when recorded, else the sentence that says why not. */
  sendAnyway(reason: string): Promise<string | undefined>;
  dismiss(): void;
}

const ALLOW: BeforeSaveVerdict = { isAllowed: true };
/** The secret the reply's sensitive lines go into: one view, 24 hours (the send form's default expiry). */
const MOVE_TTL_SECONDS = EXPIRY_PRESETS[2].seconds;

/**
 * Issue 12: registers the desk's save hook (where the desk has one) and runs the held reply's actions. The check
 * runs in the browser; the detector is loaded lazily (packages/detector/NOTES.md: an old Safari cannot parse it,
 * and that must mean "no check", not a blank sidebar). The save is cancelled at once when something is found; the
 * agent chooses here, then submits again. "Send anyway" allows the next save with exactly the recorded findings,
 * once (the sidebar keeps the findings' masked facts, not the text).
 */
export function useDraftGuard(o: {
  host: SidebarHost;
  api: SidebarApi;
  /** The ticket as the session's context names it (the API checks it is the session's). */
  ticketId: string;
  onSent: (secret: Omit<SentSecret, 'delivery'>) => void;
  onError: (err: unknown) => void;
}): DraftGuard {
  const { host, api, ticketId, onSent, onError } = o;
  const hook = host.draftHook;
  const [state, setState] = useState<DraftGuardState>({ phase: 'idle' });
  const lib = useRef<DraftCheckModule | undefined>(undefined);
  const allowance = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!hook) return;
    let isCurrent = true;
    let stop: (() => void) | undefined;
    import('./draft-check').then(
      (mod) => {
        if (!isCurrent) return;
        lib.current = mod;
        stop = hook.onBeforeSave((draft) => {
          const check = mod.checkDraft(draft);
          if (check.findings.length > 0 && allowance.current !== mod.factsKey(check.facts)) {
            setState({ phase: 'held', check, isWorking: false });
            return { isAllowed: false, message: draftMessages.saveHeld };
          }
          allowance.current = undefined;
          setState({ phase: 'idle' });
          return ALLOW;
        });
      },
      () => isCurrent && setState({ phase: 'unavailable' }),
    );
    return () => {
      isCurrent = false;
      stop?.();
    };
  }, [hook]);

  const working = (isWorking: boolean) => setState((s) => (s.phase === 'held' ? { ...s, isWorking } : s));

  const moveToSecret = useCallback(async (): Promise<void> => {
    const mod = lib.current;
    if (!hook || !mod) return;
    working(true);
    try {
      // The draft as it is now: the agent may have edited it since the save was held.
      const draft = await hook.readDraft();
      const check = mod.checkDraft(draft);
      if (check.findings.length === 0) {
        setState({ phase: 'done', message: draftMessages.nothingLeft });
        return;
      }
      const split = mod.splitDraft(draft, check.findings);
      const secret = await storeSecret(api, {
        payload: { kind: 'text', text: split.secretText },
        ttlSeconds: MOVE_TTL_SECONDS,
        views: 1,
        passphrase: '',
      });
      onSent(secret);
      const sentence = messages.replyText(secret.link, formatExpiry(secret.expiresAt), secret.views, false);
      try {
        await hook.replaceDraft(split.replyWith(sentence));
        setState({ phase: 'done', message: draftMessages.moved });
      } catch {
        setState({ phase: 'done', message: draftMessages.movedNoInsert, link: secret.link });
      }
    } catch (err) {
      working(false);
      onError(err);
    }
  }, [api, hook, onError, onSent]);

  const sendAnyway = useCallback(
    async (reason: string): Promise<string | undefined> => {
      const mod = lib.current;
      if (state.phase !== 'held' || !mod) return undefined;
      const inReason = mod.checkDraft(reason);
      if (inReason.findings.length > 0) return draftMessages.reasonHasFinding(mod.describeFirst(inReason));
      working(true);
      try {
        await api.recordDraftFindings({ ticketId, findings: state.check.facts, reason });
      } catch (err) {
        working(false);
        onError(err);
        return undefined;
      }
      allowance.current = mod.factsKey(state.check.facts);
      setState({ phase: 'done', message: draftMessages.allowed });
      return undefined;
    },
    [api, onError, state, ticketId],
  );

  const dismiss = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, moveToSecret, sendAnyway, dismiss };
}
