import { useCallback, useEffect, useRef, useState } from 'react';
import type { SidebarApi, TicketSecret } from '@vouchsafe/contracts';
import { messages } from '../messages';

export const POLL_INTERVAL_MS = 5_000;

export interface Activity {
  /** Undefined until the first answer. */
  secrets: TicketSecret[] | undefined;
  /** The last refresh failed; the list shown may be out of date. */
  isStale: boolean;
  refresh: () => Promise<void>;
}

const isVisible = (): boolean => typeof document === 'undefined' || document.visibilityState !== 'hidden';

/**
 * This ticket's secrets, refreshed every few seconds while the sidebar is visible (and at once when
 * it becomes visible again). Status changes after the first load are announced.
 */
export function useActivity(
  api: Pick<SidebarApi, 'listSecrets'>,
  onError: (err: unknown) => void,
  announce: (text: string) => void,
  pollIntervalMs: number = POLL_INTERVAL_MS,
): Activity {
  const [secrets, setSecrets] = useState<TicketSecret[] | undefined>(undefined);
  const [isStale, setIsStale] = useState(false);
  const known = useRef<Map<string, TicketSecret['status']> | undefined>(undefined);
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const isMounted = useRef(true);
  const callbacks = useRef({ onError, announce });
  callbacks.current = { onError, announce };

  const load = useCallback(async (): Promise<void> => {
    try {
      const list = await api.listSecrets();
      if (!isMounted.current) return;
      const previous = known.current;
      if (previous) {
        for (const s of list.secrets) {
          const before = previous.get(s.id);
          if (before !== undefined && before !== s.status) {
            callbacks.current.announce(messages.statusChanged(s.fingerprint, messages.status[s.status]));
          }
        }
      }
      known.current = new Map(list.secrets.map((s) => [s.id, s.status]));
      setSecrets(list.secrets);
      setIsStale(false);
    } catch (err) {
      if (!isMounted.current) return;
      setIsStale(true);
      callbacks.current.onError(err);
    }
  }, [api]);

  /** Runs after any load already on its way, so a refresh after send or revoke sees the change. */
  const refresh = useCallback((): Promise<void> => {
    const next = (inFlight.current ?? Promise.resolve()).then(load);
    inFlight.current = next;
    void next.finally(() => {
      if (inFlight.current === next) inFlight.current = undefined;
    });
    return next;
  }, [load]);
  /** Timer ticks skip while a load is running instead of piling up behind a slow API. */
  const poll = useCallback((): void => {
    if (isVisible() && !inFlight.current) void refresh();
  }, [refresh]);

  useEffect(() => {
    isMounted.current = true;
    void refresh();
    const timer = setInterval(poll, pollIntervalMs);
    const onVisibility = poll;
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      isMounted.current = false;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [refresh, poll, pollIntervalMs]);

  return { secrets, isStale, refresh };
}
