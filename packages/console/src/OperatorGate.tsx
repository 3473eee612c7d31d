import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Paragraph } from '@zendeskgarden/react-typography';
import { ThemeRoot, usePreferredColorScheme } from '@vouchsafe/ui/theme';
import type { OperatorMe } from '@vouchsafe/contracts';
import { signInUrl, type OperatorClient } from './operator-client';
import { failureText } from './failure-text';
import { Notice } from './Notice';

/** What a console gets once someone with the right role is signed in. */
export interface SignedIn {
  me: OperatorMe;
  /** Ends the session (POST with the CSRF token), then shows the sign-in. */
  signOut(): void;
  /** A call answered 401: the session ended; shows "Your sign-in has ended" with the sign-in. */
  onSignedOut(): void;
}

export interface OperatorGateProps {
  client: Pick<OperatorClient, 'me' | 'signOut'>;
  /** `Vouchsafe review`: the page's heading before sign-in. */
  title: string;
  /** Where the IdP sends the browser back (one of OPERATOR_CONSOLES). */
  consolePath: string;
  /** What the console is for, shown above the sign-in button. */
  intro: ReactNode;
  /** Whether this person may use the console at all. */
  isAllowed(me: OperatorMe): boolean;
  noRole: { title: string; text(me: OperatorMe): ReactNode };
  /** Shown when the server has no operator sign-in (GET me answers 404). */
  notConfigured: ReactNode;
  /** Full-page navigation (sign-in goes to the IdP); tests pass their own. */
  navigate?: (url: string) => void;
  children(signedIn: SignedIn): ReactNode;
}

type Page =
  | { kind: 'loading' }
  | { kind: 'signed-out'; hasEnded: boolean }
  | { kind: 'not-configured' }
  | { kind: 'no-role'; me: OperatorMe }
  | { kind: 'failed'; text: string }
  | { kind: 'console'; me: OperatorMe };

/**
 * Who is signed in, and the pages before the console: loading, sign-in (again), not configured, no role, failure.
 * Both operator consoles (/review, /admin) render their console as `children` of this.
 */
export function OperatorGate({
  client,
  title,
  consolePath,
  intro,
  isAllowed,
  noRole,
  notConfigured,
  navigate,
  children,
}: OperatorGateProps) {
  const go = navigate ?? ((url: string) => window.location.assign(url));
  const [page, setPage] = useState<Page>({ kind: 'loading' });
  const scheme = usePreferredColorScheme();

  const load = useCallback(async () => {
    const me = await client.me();
    if (me.ok) setPage(isAllowed(me.value) ? { kind: 'console', me: me.value } : { kind: 'no-role', me: me.value });
    else if (me.failure.kind === 'signed-out') setPage({ kind: 'signed-out', hasEnded: false });
    else if (me.failure.kind === 'not-found') setPage({ kind: 'not-configured' });
    else setPage({ kind: 'failed', text: failureText(me.failure) });
    // isAllowed is a fixed rule of the console (often an inline function): not a reason to ask again.
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
    <ThemeRoot scheme={scheme}>
      {page.kind === 'console' ? (
        children({ me: page.me, signOut: () => void signOut(page.me), onSignedOut })
      ) : (
        <main className="vs-page">
          <h1 className="vs-title">{title}</h1>
          <div role="status" aria-live="polite">
            {page.kind === 'loading' && <Dots aria-label="Loading" />}
            {page.kind === 'signed-out' && page.hasEnded && <Notice type="warning">Your sign-in has ended. Sign in again to go on.</Notice>}
            {page.kind === 'not-configured' && (
              <Notice type="warning" title="Sign-in is not set up">
                {notConfigured}
              </Notice>
            )}
            {page.kind === 'no-role' && (
              <Notice type="error" title={noRole.title}>
                {noRole.text(page.me)}
              </Notice>
            )}
            {page.kind === 'failed' && <Notice type="error">{page.text}</Notice>}
          </div>
          {page.kind === 'signed-out' && (
            <>
              <Paragraph>{intro}</Paragraph>
              <Button isPrimary onClick={() => go(signInUrl(consolePath))}>
                Sign in
              </Button>
            </>
          )}
          {page.kind === 'no-role' && <Button onClick={() => void signOut(page.me)}>Sign out</Button>}
          {page.kind === 'failed' && <Button onClick={() => void load()}>Try again</Button>}
        </main>
      )}
    </ThemeRoot>
  );
}
