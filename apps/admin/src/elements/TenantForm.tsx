import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Select } from '@zendeskgarden/react-forms';
import { failureText, Notice, type ApiFailure } from '@vouchsafe/console';
import type { Desk, TenantCreateRequest, TenantSummary } from '@vouchsafe/contracts';
import type { AdminApi } from '../api/admin-api';
import { FormField, type FormFieldProps } from './FormField';

type Spec = { path: string; label: string; type?: FormFieldProps['type']; hint?: string; isOptional?: boolean };

/** The fields of contracts TenantCreateRequestSchema per desk (credentials as the token / password variant). */
const DESK_FIELDS: Record<Desk, Spec[]> = {
  zendesk: [
    { path: 'subdomain', label: 'Zendesk subdomain', hint: 'acme for acme.zendesk.com' },
    { path: 'installationId', label: 'App installation id' },
    { path: 'publicKeyPem', label: 'Signed-URL public key (PEM)', type: 'pem' },
    { path: 'credentials.email', label: 'API user email' },
    { path: 'credentials.apiToken', label: 'API token', type: 'secret' },
    { path: 'apiBaseUrl', label: 'Other API base URL', type: 'url', isOptional: true },
  ],
  servicenow: [
    { path: 'instance', label: 'ServiceNow instance', hint: 'acme for acme.service-now.com' },
    { path: 'certificatePem', label: 'JWT provider certificate (PEM)', type: 'pem' },
    { path: 'audience', label: 'JWT audience' },
    { path: 'credentials.username', label: 'API user name' },
    { path: 'credentials.password', label: 'API user password', type: 'secret' },
    { path: 'apiBaseUrl', label: 'Other API base URL', type: 'url', isOptional: true },
  ],
  jira: [
    { path: 'cloudId', label: 'Atlassian cloud id' },
    { path: 'siteUrl', label: 'Site URL', type: 'url', hint: 'https://acme.atlassian.net' },
    { path: 'appId', label: 'Forge app id', hint: 'ari:cloud:ecosystem::app/<uuid>' },
    { path: 'credentials.email', label: 'API user email' },
    { path: 'credentials.apiToken', label: 'API token', type: 'secret' },
  ],
};
const COMMON: Spec[] = [
  { path: 'slug', label: 'Slug', hint: '2–40 lowercase letters, digits or dashes; part of links' },
  { path: 'name', label: 'Name' },
];

function bodyOf(desk: Desk, values: Record<string, string>): TenantCreateRequest {
  const body: Record<string, unknown> = { desk };
  for (const { path, isOptional } of [...COMMON, ...DESK_FIELDS[desk]]) {
    const value = (values[path] ?? '').trim();
    if (value === '' && isOptional) continue;
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail) ((body[head] ??= {}) as Record<string, unknown>)[tail] = value;
    else body[head] = value;
  }
  // The server parses (422 naming each field).
  return body as unknown as TenantCreateRequest;
}

/** Adds a help-desk tenant. Secrets are typed into password fields and cleared once sent; the answer never has them. */
export function TenantForm({
  api,
  csrf,
  onSignedOut,
  onCreated,
}: {
  api: AdminApi;
  csrf: string;
  onSignedOut(): void;
  onCreated(t: TenantSummary): void;
}) {
  const [desk, setDesk] = useState<Desk>('zendesk');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure>();
  const [isBusy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setFailure(undefined);
    const result = await api.createTenant(csrf, bodyOf(desk, values));
    setBusy(false);
    if (result.ok) {
      setValues({});
      setErrors({});
      onCreated(result.value);
      return;
    }
    if (result.failure.kind === 'signed-out') return onSignedOut();
    setFailure(result.failure);
    setErrors(result.failure.kind === 'invalid' ? Object.fromEntries(result.failure.issues.map((i) => [i.path, i.message])) : {});
  };

  return (
    <form
      className="vs-form"
      aria-label="Add a help-desk tenant"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>Add a help-desk tenant</h3>
      <Field>
        <Field.Label>Help desk</Field.Label>
        <Select value={desk} onChange={(e) => setDesk(e.target.value as Desk)}>
          <option value="zendesk">Zendesk</option>
          <option value="servicenow">ServiceNow</option>
          <option value="jira">Jira Service Management</option>
        </Select>
      </Field>
      {[...COMMON, ...DESK_FIELDS[desk]].map((f) => (
        <FormField
          key={`${desk}:${f.path}`}
          label={f.label}
          type={f.type}
          hint={f.hint}
          isOptional={f.isOptional}
          value={values[f.path] ?? ''}
          onChange={(v) => setValues({ ...values, [f.path]: v })}
          error={errors[f.path] ?? (f.path.startsWith('credentials.') ? errors.credentials : undefined)}
        />
      ))}
      {failure && <Notice type="error">{failureText(failure)}</Notice>}
      <Button type="submit" isPrimary disabled={isBusy}>
        {isBusy ? 'Adding…' : 'Add tenant'}
      </Button>
    </form>
  );
}
