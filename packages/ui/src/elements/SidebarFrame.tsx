import type { ReactNode } from 'react';
import type { SidebarHost } from '@vouchsafe/contracts';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import * as styles from '../styles';
import { useAutoResize } from '../use-auto-resize';

export type SidebarState = 'loading' | 'host-not-ready' | 'session-rejected' | 'unreachable' | 'failed' | 'ready';

export interface SidebarFrameProps {
  state: SidebarState;
  /** Absent until the host is connected: nothing to resize yet. */
  host?: Pick<SidebarHost, 'resize'>;
  children: ReactNode;
}

/** The one root element of every sidebar state: theme, `data-state` for tests, and auto-resize. */
export function SidebarFrame({ state, host, children }: SidebarFrameProps) {
  useAutoResize(host);
  return (
    <ThemeProvider theme={DEFAULT_THEME}>
      <div style={styles.frame} data-state={state} aria-busy={state === 'loading' || undefined}>
        {children}
      </div>
    </ThemeProvider>
  );
}
