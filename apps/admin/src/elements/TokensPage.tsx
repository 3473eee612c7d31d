import { useCallback, useEffect, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { failureText, Notice, useLoadable, type ApiFailure } from '@vouchsafe/console';
import type { AdminApi } from '../api/admin-api';
import {
  API_TOKEN_NAME,
  API_TOKEN_SCOPES,
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
  type ApiTokenScope,
  type CreatedToken,
  type TokenView,
} from '../api/shapes';
import { Confirm } from './Confirm';
import { FormField } from './FormField';

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : '—');

export interface TokensPageProps {
  api: AdminApi;
  csrf: string;
  onSignedOut(): void;
  /** Copies text to the clipboard; tests pass their own. */
  copy?: (text: string) => Promise<void>;
}

/** Named, scoped, expiring API tokens: list, create (the token shown once), revoke. */
export function TokensPage({ api, csrf, onSignedOut, copy = (text) => navigator.clipboard.writeText(text) }: TokensPageProps) {
  const list = useLoadable<TokenView[]>(onSignedOut);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiTokenScope[]>(['secrets']);
  const [days, setDays] = useState(String(DEFAULT_TOKEN_DAYS));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure>();
  const [isBusy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedToken>();
  const [isCopied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const { run } = list;
  const load = useCallback(() => void run(() => api.tokens()), [api, run]);
  useEffect(load, [load]);

  const create = async () => {
    const found: Record<string, string> = {};
    if (!API_TOKEN_NAME.test(name)) found.name = 'must be 1–32 letters, digits, “_”, “.” or “-”, starting with a letter or digit';
    if (scopes.length === 0) found.scopes = 'choose at least one scope';
    const n = Number(days);
    if (!/^\d+$/.test(days) || n < 1 || n > MAX_TOKEN_DAYS) found.expiresInDays = `must be 1–${MAX_TOKEN_DAYS} days`;
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await api.createToken(csrf, { name, scopes, expiresInDays: n });
    setBusy(false);
    if (!result.ok) {
      if (result.failure.kind === 'signed-out') return onSignedOut();
      setFailure(result.failure);
      if (result.failure.kind === 'invalid') setErrors(Object.fromEntries(result.failure.issues.map((i) => [i.path, i.message])));
      return;
    }
    setCreated(result.value);
    setCopied(false);
    setName('');
    load();
  };

  const revoke = async (tokenName: string) => {
    const result = await api.revokeToken(csrf, tokenName);
    setRevoking(undefined);
    if (!result.ok && result.failure.kind === 'signed-out') return onSignedOut();
    setNotice(result.ok ? `Revoked ${tokenName}.` : failureText(result.failure));
    load();
  };

  return (
    <section aria-labelledby="vs-tokens-heading" className="vs-section">
      <h2 id="vs-tokens-heading">API tokens</h2>
      <div role="status" aria-live="polite" className="vs-live">
        {list.state.status === 'loading' && <Dots aria-label="Loading API tokens" />}
        {list.state.status === 'failed' && <Notice type="error">{failureText(list.state.failure)}</Notice>}
        {notice && <Notice type="info">{notice}</Notice>}
      </div>
      {created && (
        <div className="vs-once" data-testid="created-token">
          <Notice type="warning" title={`Token ${created.name} created: copy it now`}>
            This is the only time Vouchsafe shows it. Store it in your secret manager; if it is lost, revoke it and create another.
          </Notice>
          <code className="vs-token" aria-label="New API token">
            {created.token}
          </code>
          <div className="vs-actions">
            <Button
              size="small"
              onClick={() =>
                void copy(created.token).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {isCopied ? 'Copied' : 'Copy token'}
            </Button>
            <Button size="small" isBasic onClick={() => setCreated(undefined)}>
              I have stored it
            </Button>
          </div>
        </div>
      )}
      {list.state.status === 'ready' && (
        <div className="vs-table-wrap">
          <table className="vs-table" data-testid="tokens">
            <caption>{list.state.value.length} tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Owner</th>
                <th scope="col">
                  <span className="vs-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.state.value.map((t) => (
                <tr key={`${t.source}:${t.name}`} data-testid="token-row">
                  <th scope="row">{t.name}</th>
                  <td>{t.scopes.join(', ')}</td>
                  <td>{t.source === 'environment' ? 'environment (bootstrap)' : day(t.createdAt)}</td>
                  <td>{t.revokedAt ? `revoked ${day(t.revokedAt)}` : day(t.expiresAt)}</td>
                  <td>{t.createdBy ?? '—'}</td>
                  <td>
                    {t.source === 'stored' && !t.revokedAt && (
                      <Button size="small" isDanger onClick={() => setRevoking(t.name)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="vs-form"
        aria-label="Create an API token"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h3>Create an API token</h3>
        <FormField label="Name" value={name} onChange={setName} error={errors.name} hint="Shown in logs and audit rows, e.g. ci-sender" />
        <fieldset className="vs-fieldset">
          <legend>Scopes</legend>
          {API_TOKEN_SCOPES.map((scope) => (
            <Field key={scope}>
              <Checkbox
                checked={scopes.includes(scope)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
              >
                <Field.Label>{scope}</Field.Label>
              </Checkbox>
            </Field>
          ))}
          {errors.scopes && <p className="vs-error">{errors.scopes}</p>}
        </fieldset>
        <FormField label="Expires after (days)" type="number" value={days} onChange={setDays} error={errors.expiresInDays} />
        {failure && failure.kind !== 'invalid' && <Notice type="error">{failureText(failure)}</Notice>}
        <Button type="submit" isPrimary disabled={isBusy}>
          {isBusy ? 'Creating…' : 'Create token'}
        </Button>
      </form>
      {revoking && (
        <Confirm
          title={`Revoke ${revoking}?`}
          action="Revoke"
          isDanger
          onCancel={() => setRevoking(undefined)}
          onConfirm={() => revoke(revoking)}
        >
          <p>Every script using {revoking} stops working at once. This cannot be undone.</p>
        </Confirm>
      )}
    </section>
  );
}
