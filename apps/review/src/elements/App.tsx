import { useMemo } from 'react';
import { OperatorGate } from '@vouchsafe/console';
import { createReviewApi, type ReviewApi } from '../api/review-api';
import { Console } from './Console';

export interface AppProps {
  api?: ReviewApi;
  /** Full-page navigation (sign-in goes to the IdP); tests pass their own. */
  navigate?: (url: string) => void;
  /** Saves a CSV file; tests pass their own. */
  download?: (fileName: string, csv: string) => void;
}

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
  return (
    <OperatorGate
      client={client}
      title="Vouchsafe review"
      consolePath="/review/"
      navigate={navigate}
      isAllowed={(me) => me.roles.includes('auditor')}
      intro={
        <>
          Check verifications, overrides and one-time secrets across your help desks, and whether each ticket note still reads as it was
          sent. Sign in with your organisation’s account.
        </>
      }
      notConfigured={
        <>
          Operator sign-in is not configured on this server. An administrator sets VOUCHSAFE_OPERATOR_ISSUER and the reviewer role (see the
          README’s reviewer console section).
        </>
      }
      noRole={{
        title: 'No reviewer role',
        text: (me) => (
          <>You are signed in as {me.label}, but your account does not carry the auditor role. Ask your administrator for it.</>
        ),
      }}
    >
      {({ me, signOut, onSignedOut }) => (
        <Console api={client} me={me} onSignOut={signOut} onSignedOut={onSignedOut} download={download ?? downloadCsv} />
      )}
    </OperatorGate>
  );
}
