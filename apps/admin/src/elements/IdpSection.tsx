import { useCallback, useEffect, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Select } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { failureText, Notice, useLoadable } from '@vouchsafe/console';
import type { IdpKind } from '@vouchsafe/contracts';
import type { AdminApi, ChangeOutcome } from '../api/admin-api';
import type { IdpSummary } from '../api/shapes';
import { emptyValues, fieldErrors, IDP_FIELDS, IDP_KINDS, IDP_LABELS, idpConfigOf, isShown } from '../policy/idp-forms';
import { ChangeNotice } from './ChangeNotice';
import { Confirm } from './Confirm';
import { FormField } from './FormField';

const show = (v: string | boolean | string[]) => (Array.isArray(v) ? v.join(', ') : String(v));

export interface IdpSectionProps {
  api: AdminApi;
  csrf: string;
  slug: string;
  onSignedOut(): void;
  onOpenChange(id: string): void;
}

/** A tenant's IdP connections: list (public settings only), set one (a form per kind), remove one. */
export function IdpSection({ api, csrf, slug, onSignedOut, onOpenChange }: IdpSectionProps) {
  const list = useLoadable<IdpSummary[]>(onSignedOut);
  const [kind, setKind] = useState<IdpKind>('okta');
  const [values, setValues] = useState(() => emptyValues('okta'));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [outcome, setOutcome] = useState<{ what: string; outcome: ChangeOutcome<unknown> }>();
  const [isBusy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<string>();
  const { run } = list;
  const load = useCallback(() => void run(() => api.idps(slug)), [api, run, slug]);
  useEffect(load, [load]);

  const chooseKind = (next: IdpKind) => {
    setKind(next);
    setValues(emptyValues(next));
    setErrors({});
    setProblem(undefined);
  };

  const save = async () => {
    setBusy(true);
    setProblem(undefined);
    setOutcome(undefined);
    const result = await api.setIdp(csrf, slug, idpConfigOf(kind, values));
    setBusy(false);
    if (result.ok) {
      // Secrets leave the page once sent.
      setValues(emptyValues(kind));
      setErrors({});
      setOutcome({ what: `The ${IDP_LABELS[kind]} connection`, outcome: result.value });
      load();
      return;
    }
    if (result.failure.kind === 'signed-out') return onSignedOut();
    if (result.failure.kind === 'invalid') {
      const { errors: found, rest } = fieldErrors(kind, values, result.failure.issues);
      setErrors(found);
      setProblem(rest.length > 0 ? `${result.failure.message}` : 'Some fields are not right: see below each.');
    } else setProblem(failureText(result.failure));
  };

  const remove = async (target: string) => {
    const result = await api.removeIdp(csrf, slug, target);
    setRemoving(undefined);
    if (!result.ok) {
      if (result.failure.kind === 'signed-out') return onSignedOut();
      setProblem(failureText(result.failure));
      return;
    }
    setOutcome({ what: `Removing the ${target} connection`, outcome: result.value });
    load();
  };

  return (
    <section aria-labelledby="vs-idps-heading" className="vs-section" data-testid="idps">
      <h3 id="vs-idps-heading">Identity-provider connections</h3>
      <div role="status" aria-live="polite" className="vs-live">
        {list.state.status === 'loading' && <Dots aria-label="Loading IdP connections" />}
        {list.state.status === 'failed' && <Notice type="error">{failureText(list.state.failure)}</Notice>}
        {outcome && <ChangeNotice what={outcome.what} outcome={outcome.outcome} onOpenChange={onOpenChange} />}
        {problem && <Notice type="error">{problem}</Notice>}
      </div>
      {list.state.status === 'ready' &&
        (list.state.value.length === 0 ? (
          <p>No connections yet.</p>
        ) : (
          <table className="vs-table">
            <caption>Connected providers (secrets are never shown)</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Settings</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="vs-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.state.value.map((idp) => (
                <tr key={idp.kind} data-testid="idp-row">
                  <th scope="row">{idp.kind}</th>
                  <td>
                    {Object.entries(idp.settings)
                      .map(([k, v]) => `${k}: ${show(v)}`)
                      .join('; ')}
                  </td>
                  <td>{new Date(idp.updatedAt).toLocaleString()}</td>
                  <td>
                    <Button size="small" isDanger onClick={() => setRemoving(idp.kind)} aria-label={`Remove ${idp.kind}`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <form
        className="vs-form"
        aria-label="Set an IdP connection"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h4>Set a connection</h4>
        <Field>
          <Field.Label>Provider kind</Field.Label>
          <Select value={kind} onChange={(e) => chooseKind(e.target.value as IdpKind)}>
            {IDP_KINDS.map((k) => (
              <option key={k} value={k}>
                {IDP_LABELS[k]}
              </option>
            ))}
          </Select>
        </Field>
        {IDP_FIELDS[kind]
          .filter((f) => isShown(f, values))
          .map((f) =>
            f.type === 'choice' ? (
              <Field key={f.path}>
                <Field.Label>{f.label}</Field.Label>
                <Select value={values[f.path]} onChange={(e) => setValues({ ...values, [f.path]: e.target.value })}>
                  {f.choices?.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </Select>
              </Field>
            ) : (
              <FormField
                key={f.path}
                label={f.label}
                type={f.type}
                hint={f.hint}
                isOptional={f.isOptional}
                value={values[f.path] ?? ''}
                onChange={(v) => setValues({ ...values, [f.path]: v })}
                error={errors[f.path]}
              />
            ),
          )}
        <Button type="submit" isPrimary disabled={isBusy}>
          {isBusy ? 'Saving…' : `Save ${IDP_LABELS[kind]} connection`}
        </Button>
      </form>
      {removing && (
        <Confirm
          title={`Remove the ${removing} connection?`}
          action="Remove"
          isDanger
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => remove(removing)}
        >
          <p>
            Agents of {slug} can no longer verify callers with {removing}. Its stored secrets are deleted.
          </p>
        </Confirm>
      )}
    </section>
  );
}
