import { useEffect, useRef } from 'react';
import type { SidebarHost } from '@vouchsafe/contracts';

/**
 * Tells the desk how tall the sidebar is whenever its content changes height, so the desk's iframe
 * never shows a scrollbar or a blank tail. Falls back to measuring after each render where
 * ResizeObserver is missing.
 */
export function useAutoResize(host: Pick<SidebarHost, 'resize'> | undefined): void {
  const last = useRef<number>(-1);
  const report = (): void => {
    if (!host) return;
    const height = document.body.scrollHeight;
    if (height === last.current) return;
    last.current = height;
    host.resize(height);
  };
  const reportRef = useRef(report);
  reportRef.current = report;

  const hasObserver = typeof ResizeObserver === 'function';
  // A new host has never heard our height.
  useEffect(() => {
    last.current = -1;
  }, [host]);
  useEffect(() => {
    if (!hasObserver) reportRef.current();
  });
  useEffect(() => {
    if (!host || !hasObserver) return;
    reportRef.current();
    const observer = new ResizeObserver(() => reportRef.current());
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [host, hasObserver]);
}
