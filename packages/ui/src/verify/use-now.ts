import { useEffect, useState } from 'react';

/** The current time, re-read every second while `isTicking` (for countdowns); stops on unmount. */
export function useNow(isTicking: boolean, intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!isTicking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [isTicking, intervalMs]);
  return now;
}

/** Whole seconds until `iso` (never negative), undefined without a valid instant. */
export function secondsUntil(iso: string | null | undefined, nowMs: number): number | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
