import type { ReactNode } from 'react';
import type { SidebarHost } from '@vouchsafe/contracts';
import * as styles from '../styles';
import { ThemeRoot, useColorSchemeOf } from '../theme';
import { useAutoResize } from '../use-auto-resize';

export type SidebarState = 'loading' | 'host-not-ready' | 'session-rejected' | 'unreachable' | 'failed' | 'ready';

export interface SidebarFrameProps {
  state: SidebarState;
  /** Absent until the host is connected: nothing to resize yet (and the scheme follows `prefers-color-scheme`). */
  host?: Pick<SidebarHost, 'resize' | 'colorScheme' | 'onColorSchemeChange'>;
  children: ReactNode;
}

/**
 * Issue 14: Garden's loaders and transitions do not look at `prefers-reduced-motion`; this rule stills them for people
 * who asked their system for less motion. An inline <style> is what the sidebars' CSP already allows for Garden
 * (styled-components), and the text is a constant.
 */
export const REDUCED_MOTION_CSS =
  '@media (prefers-reduced-motion: reduce){*,*::before,*::after{animation-duration:0.01ms!important;' +
  'animation-iteration-count:1!important;transition-duration:0.01ms!important;scroll-behavior:auto!important}}';

/** The one root element of every sidebar state: theme (the desk's colour scheme), `data-state` for tests, and auto-resize. */
export function SidebarFrame({ state, host, children }: SidebarFrameProps) {
  useAutoResize(host);
  const scheme = useColorSchemeOf(host);
  return (
    <ThemeRoot scheme={scheme}>
      <style>{REDUCED_MOTION_CSS}</style>
      <div style={styles.frame} data-state={state} data-color-scheme={scheme} aria-busy={state === 'loading' || undefined}>
        {children}
      </div>
    </ThemeRoot>
  );
}
