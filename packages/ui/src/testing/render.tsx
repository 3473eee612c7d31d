import type { ReactElement } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';

/** Components below the sidebar root need Garden's theme, as they have inside SidebarFrame. */
export const renderThemed = (ui: ReactElement): RenderResult => render(<ThemeProvider theme={DEFAULT_THEME}>{ui}</ThemeProvider>);

/** The sidebar root element (the one carrying data-state). */
export const sidebarRoot = (container: HTMLElement): HTMLElement => {
  const root = container.querySelector<HTMLElement>('[data-state]');
  if (!root) throw new Error('no sidebar root rendered');
  return root;
};
