import { useMemo } from 'react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { createRevealApi, type RevealApi } from '../api/reveal-api';
import { parseSecretLocation } from '../reveal/secret-location';
import { LandingPage } from './LandingPage';
import { RevealPage } from './RevealPage';

export interface AppProps {
  location: Pick<Location, 'pathname' | 'hash'>;
  api?: RevealApi;
}

export function App({ location, api }: AppProps) {
  const parsed = useMemo(() => parseSecretLocation(location.pathname, location.hash), [location.pathname, location.hash]);
  const tenant = parsed.kind === 'landing' ? undefined : parsed.tenant;
  const client = useMemo(() => api ?? createRevealApi(undefined, '', tenant), [api, tenant]);
  const target = useMemo(
    () => (parsed.kind === 'secret' ? { id: parsed.id, linkKey: parsed.linkKey } : undefined),
    [parsed],
  );
  return (
    <ThemeProvider theme={DEFAULT_THEME}>
      {parsed.kind === 'landing' ? <LandingPage /> : <RevealPage target={target} api={client} />}
    </ThemeProvider>
  );
}
