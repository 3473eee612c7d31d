import { useMemo } from 'react';
import { OperatorGate } from '@vouchsafe/console';
import { createAdminApi, type AdminApi } from '../api/admin-api';
import { AdminConsole, pagesFor } from './AdminConsole';

export interface AppProps {
  api?: AdminApi;
  /** Full-page navigation (sign-in goes to the IdP); tests pass their own. */
  navigate?: (url: string) => void;
  copy?: (text: string) => Promise<void>;
}

export function App({ api, navigate, copy }: AppProps) {
  const client = useMemo(() => api ?? createAdminApi(), [api]);
  return (
    <OperatorGate
      client={client}
      title="Vouchsafe admin"
      consolePath="/admin/"
      navigate={navigate}
      isAllowed={(me) => pagesFor(me).length > 0}
      intro={
        <>
          Connect help desks and identity providers, set how callers are verified, approve other administrators’ changes and manage API
          tokens. Sign in with your organisation’s account.
        </>
      }
      notConfigured={
        <>
          Operator sign-in is not configured on this server. Set VOUCHSAFE_OPERATOR_ISSUER and the admin role (see the README’s admin
          console section); until then use the CLI with an admin API token.
        </>
      }
      noRole={{
        title: 'No administrator role',
        text: (me) => (
          <>
            You are signed in as {me.label}, but your account carries neither the admin nor the policy approver role. Ask your administrator
            for one.
          </>
        ),
      }}
    >
      {({ me, signOut, onSignedOut }) => <AdminConsole api={client} me={me} onSignOut={signOut} onSignedOut={onSignedOut} copy={copy} />}
    </OperatorGate>
  );
}
