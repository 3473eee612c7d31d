import { useState } from 'react';
import { ConsoleBar, Notice } from '@vouchsafe/console';
import type { OperatorMe } from '@vouchsafe/contracts';
import type { AdminApi } from '../api/admin-api';
import { ChangesPage } from './ChangesPage';
import { TenantsPage } from './TenantsPage';
import { TokensPage } from './TokensPage';

export type AdminPage = 'tenants' | 'changes' | 'tokens';
const PAGE_LABELS: Record<AdminPage, string> = { tenants: 'Tenants', changes: 'Changes', tokens: 'API tokens' };

/** What a person may open: admins everything; a policy approver (without admin) the change queue only. */
export function pagesFor(me: Pick<OperatorMe, 'roles'>): AdminPage[] {
  if (me.roles.includes('admin')) return ['tenants', 'changes', 'tokens'];
  return me.roles.includes('policy_approver') ? ['changes'] : [];
}

export interface AdminConsoleProps {
  api: AdminApi;
  me: OperatorMe;
  onSignOut(): void;
  onSignedOut(): void;
  copy?: (text: string) => Promise<void>;
}

export function AdminConsole({ api, me, onSignOut, onSignedOut, copy }: AdminConsoleProps) {
  const pages = pagesFor(me);
  const [page, setPage] = useState<AdminPage>(pages[0] ?? 'changes');
  const [focusId, setFocusId] = useState<string>();
  // Choosing a page (again) shows it afresh: e.g. the queue as it is now, not as it was loaded.
  const [visit, setVisit] = useState(0);
  const go = (next: AdminPage, focus?: string) => {
    setFocusId(focus);
    setPage(next);
    setVisit((v) => v + 1);
  };
  const openChange = (id: string) => go('changes', id);

  return (
    <div className="vs-console">
      <ConsoleBar title="Vouchsafe admin" label={me.label} onSignOut={onSignOut}>
        <nav aria-label="Admin pages" className="vs-nav">
          {pages.map((p) => (
            <button key={p} type="button" className="vs-nav__item" aria-current={p === page ? 'page' : undefined} onClick={() => go(p)}>
              {PAGE_LABELS[p]}
            </button>
          ))}
        </nav>
      </ConsoleBar>
      <main className="vs-main">
        {!me.roles.includes('admin') && (
          <Notice type="info" title="Policy approver">
            You can approve or reject changes other administrators asked for. Changing tenants, IdP connections, policy or API tokens needs
            the admin role.
          </Notice>
        )}
        {page === 'tenants' && (
          <TenantsPage key={visit} api={api} csrf={me.csrfToken} onSignedOut={onSignedOut} onOpenChange={openChange} />
        )}
        {page === 'changes' && <ChangesPage key={visit} api={api} csrf={me.csrfToken} onSignedOut={onSignedOut} focusId={focusId} />}
        {page === 'tokens' && <TokensPage key={visit} api={api} csrf={me.csrfToken} onSignedOut={onSignedOut} copy={copy} />}
      </main>
    </div>
  );
}
