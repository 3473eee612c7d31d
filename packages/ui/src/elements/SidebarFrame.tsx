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

/** The one root element of every sidebar state: theme (the desk's colour scheme), `data-state` for tests, and auto-resize. */
export function SidebarFrame({ state, host, children }: SidebarFrameProps) {
  useAutoResize(host);
  const scheme = useColorSchemeOf(host);
  return (
    <ThemeRoot scheme={scheme}>
      <div style={styles.frame} data-state={state} data-color-scheme={scheme} aria-busy={state === 'loading' || undefined}>
        {children}
      </div>
    </ThemeRoot>
  );
}
