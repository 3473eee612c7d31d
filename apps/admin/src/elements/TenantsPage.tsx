import { useCallback, useEffect, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { failureText, Notice, useLoadable } from '@vouchsafe/console';
import type { TenantSummary } from '@vouchsafe/contracts';
import type { AdminApi } from '../api/admin-api';
import { BrandingSection } from './BrandingSection';
import { IdpSection } from './IdpSection';
import { PolicyEditor } from './PolicyEditor';
import { TenantForm } from './TenantForm';

export interface TenantsPageProps {
  api: AdminApi;
  csrf: string;
  onSignedOut(): void;
  onOpenChange(id: string): void;
}

/** Help-desk tenants: the list, adding one, and one tenant's IdP connections and policy. */
export function TenantsPage({ api, csrf, onSignedOut, onOpenChange }: TenantsPageProps) {
  const list = useLoadable<TenantSummary[]>(onSignedOut);
  const [open, setOpen] = useState<TenantSummary>();
  const [added, setAdded] = useState<string>();
  const { run } = list;
  const load = useCallback(() => void run(() => api.tenants()), [api, run]);
  useEffect(load, [load]);

  if (open) {
    return (
      <section aria-labelledby="vs-tenant-heading" className="vs-section" data-testid="tenant">
        <div className="vs-section__head">
          <h2 id="vs-tenant-heading">
            {open.name} ({open.desk ?? 'default'})
          </h2>
          <Button size="small" onClick={() => setOpen(undefined)}>
            All tenants
          </Button>
        </div>
        <dl className="vs-facts">
          <dt>Slug</dt>
          <dd>{open.slug}</dd>
          <dt>Account</dt>
          <dd>{open.account ?? '—'}</dd>
          <dt>Added</dt>
          <dd>{new Date(open.createdAt).toLocaleString()}</dd>
        </dl>
        <PolicyEditor api={api} csrf={csrf} slug={open.slug} onSignedOut={onSignedOut} onOpenChange={onOpenChange} />
        <IdpSection api={api} csrf={csrf} slug={open.slug} onSignedOut={onSignedOut} onOpenChange={onOpenChange} />
        <BrandingSection api={api} csrf={csrf} slug={open.slug} onSignedOut={onSignedOut} />
      </section>
    );
  }

  return (
    <section aria-labelledby="vs-tenants-heading" className="vs-section">
      <h2 id="vs-tenants-heading">Tenants</h2>
      <div role="status" aria-live="polite" className="vs-live">
        {list.state.status === 'loading' && <Dots aria-label="Loading tenants" />}
        {list.state.status === 'failed' && <Notice type="error">{failureText(list.state.failure)}</Notice>}
        {added && <Notice type="success">Added {added}.</Notice>}
        {list.state.status === 'ready' && list.state.value.length === 0 && <Notice type="info">No help-desk tenants yet.</Notice>}
      </div>
      {list.state.status === 'ready' && list.state.value.length > 0 && (
        <div className="vs-table-wrap">
          <table className="vs-table" data-testid="tenants">
            <caption>Help-desk accounts; choose one for its policy and IdP connections</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Desk</th>
                <th scope="col">Account</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {list.state.value.map((t) => (
                <tr key={t.id} data-testid="tenant-row">
                  <th scope="row">
                    <button type="button" className="vs-link" onClick={() => setOpen(t)}>
                      {t.name}
                    </button>
                  </th>
                  <td>{t.slug}</td>
                  <td>{t.desk ?? '—'}</td>
                  <td>{t.account ?? '—'}</td>
                  <td>{new Date(t.createdAt).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <TenantForm
        api={api}
        csrf={csrf}
        onSignedOut={onSignedOut}
        onCreated={(t) => {
          setAdded(`${t.name} (${t.slug})`);
          load();
        }}
      />
    </section>
  );
}
