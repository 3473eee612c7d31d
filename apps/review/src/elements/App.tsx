import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Paragraph } from '@zendeskgarden/react-typography';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import type { OperatorMe } from '@vouchsafe/contracts';
import { createReviewApi, signInUrl, type ReviewApi } from '../api/review-api';
import { Console } from './Console';
import { failureText } from './failure-text';
import { Notice } from './Notice';

export interface AppProps {
  api?: ReviewApi;
  /** Full-page navigation (sign-in goes to the IdP); tests pass their own. */
  navigate?: (url: string) => void;
  /** Saves a CSV file; tests pass their own. */
  download?: (fileName: string, csv: string) => void;
}

type Page =
  | { kind: 'loading' }
  | { kind: 'signed-out'; hasEnded: boolean }
  | { kind: 'not-configured' }
  | { kind: 'no-role'; me: OperatorMe }
  | { kind: 'failed'; text: string }
  | { kind: 'console'; me: OperatorMe };

/** Saves `csv` as a file through a temporary object URL (no server round trip; the view is what is exported). */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function App({ api, navigate, download }: AppProps) {
  const client = useMemo(() => api ?? createReviewApi(), [api]);
  const go = navigate ?? ((url: string) => window.location.assign(url));
  const [page, setPage] = useState<Page>({ kind: 'loading' });

  const load = useCallback(async () => {
    const me = await client.me();
    if (me.ok) setPage(me.value.roles.includes('auditor') ? { kind: 'console', me: me.value } : { kind: 'no-role', me: me.value });
    else if (me.failure.kind === 'signed-out') setPage({ kind: 'signed-out', hasEnded: false });
    else if (me.failure.kind === 'not-found') setPage({ kind: 'not-configured' });
    else setPage({ kind: 'failed', text: failureText(me.failure) });
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const onSignedOut = useCallback(() => setPage({ kind: 'signed-out', hasEnded: true }), []);
  const signOut = async (me: OperatorMe) => {
    const result = await client.signOut(me.csrfToken);
    if (result.ok || result.failure.kind === 'signed-out') setPage({ kind: 'signed-out', hasEnded: false });
    else setPage({ kind: 'failed', text: failureText(result.failure) });
  };

  return (
    <ThemeProvider theme={DEFAULT_THEME}>
      {page.kind === 'console' ? (
        <Console
          api={client}
          me={page.me}
          onSignOut={() => void signOut(page.me)}
          onSignedOut={onSignedOut}
          download={download ?? downloadCsv}
        />
      ) : (
        <main className="vs-page">
          <h1 className="vs-title">Vouchsafe review</h1>
          <div role="status" aria-live="polite">
            {page.kind === 'loading' && <Dots aria-label="Loading" />}
            {page.kind === 'signed-out' && page.hasEnded && <Notice type="warning">Your sign-in has ended. Sign in again to go on.</Notice>}
            {page.kind === 'not-configured' && (
              <Notice type="warning" title="Sign-in is not set up">
                Operator sign-in is not configured on this server. An administrator sets VOUCHSAFE_OPERATOR_ISSUER and the reviewer role
                (see the README’s reviewer console section).
              </Notice>
            )}
            {page.kind === 'no-role' && (
              <Notice type="error" title="No reviewer role">
                You are signed in as {page.me.label}, but your account does not carry the auditor role. Ask your administrator for it.
              </Notice>
            )}
            {page.kind === 'failed' && <Notice type="error">{page.text}</Notice>}
          </div>
          {page.kind === 'signed-out' && (
            <>
              <Paragraph>
                Check verifications, overrides and one-time secrets across your help desks, and whether each ticket note still reads as it
                was sent. Sign in with your organisation’s account.
              </Paragraph>
              <Button isPrimary onClick={() => go(signInUrl())}>
                Sign in
              </Button>
            </>
          )}
          {page.kind === 'no-role' && <Button onClick={() => void signOut(page.me)}>Sign out</Button>}
          {page.kind === 'failed' && <Button onClick={() => void load()}>Try again</Button>}
        </main>
      )}
    </ThemeProvider>
  );
}
