import { useCallback, useEffect, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field, Select } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { failureText, Notice, useLoadable } from '@vouchsafe/console';
import {
  COMMENT_REDACTION_MODES,
  VERIFICATION_METHOD_LABELS,
  type CommentRedactionMode,
  type VerificationMethod,
} from '@vouchsafe/contracts';
import type { AdminApi, ChangeOutcome } from '../api/admin-api';
import type { PolicyView } from '../api/shapes';
import {
  COMMENT_REDACTION_LABELS,
  draftOf,
  LIST_FIELDS,
  moveMethod,
  NUMBER_FIELDS,
  policyOf,
  toggleMethod,
  unusedMethods,
  type PolicyDraft,
} from '../policy/policy-draft';
import { ChangeNotice } from './ChangeNotice';
import { FormField } from './FormField';

const GROUPS = [
  { group: 'limits', legend: 'Timing' },
  { group: 'push', legend: 'Push limit (per customer, across agents)' },
  { group: 'contact', legend: 'Link and code limit (per customer)' },
  { group: 'oidc', legend: 'OpenID Connect evidence' },
] as const;

export interface PolicyEditorProps {
  api: AdminApi;
  csrf: string;
  slug: string;
  onSignedOut(): void;
  onOpenChange(id: string): void;
}

/** A tenant's verification policy: the current version, and an editor whose save applies or waits for approval. */
export function PolicyEditor({ api, csrf, slug, onSignedOut, onOpenChange }: PolicyEditorProps) {
  const view = useLoadable<PolicyView>(onSignedOut);
  const [draft, setDraft] = useState<PolicyDraft>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [outcome, setOutcome] = useState<ChangeOutcome<PolicyView>>();
  const [isBusy, setBusy] = useState(false);
  const { run } = view;

  const load = useCallback(
    () =>
      void run(async () => {
        const answer = await api.policy(slug);
        if (answer.ok) setDraft(draftOf(answer.value.policy));
        return answer;
      }),
    [api, run, slug],
  );
  useEffect(load, [load]);

  const save = async () => {
    if (!draft) return;
    setProblem(undefined);
    setOutcome(undefined);
    const check = policyOf(draft);
    if (!check.ok) {
      setErrors(check.errors);
      setProblem('Some fields are not right: see below each.');
      return;
    }
    setErrors({});
    setBusy(true);
    const result = await api.setPolicy(csrf, slug, check.policy, reason.trim() || undefined);
    setBusy(false);
    if (!result.ok) {
      if (result.failure.kind === 'signed-out') return onSignedOut();
      if (result.failure.kind === 'invalid') setErrors(Object.fromEntries(result.failure.issues.map((i) => [i.path, i.message])));
      setProblem(failureText(result.failure));
      return;
    }
    setOutcome(result.value);
    setReason('');
    if (result.value.kind === 'applied') load();
  };

  const method = (m: VerificationMethod) => VERIFICATION_METHOD_LABELS[m];
  const set = (patch: Partial<PolicyDraft>) => draft && setDraft({ ...draft, ...patch });
  /** The number inputs of one group of the policy form (NUMBER_FIELDS says which field belongs where). */
  const numberInputs = (group: (typeof NUMBER_FIELDS)[number]['group']) =>
    draft === undefined
      ? null
      : NUMBER_FIELDS.filter((f) => f.group === group).map((f) => (
          <FormField
            key={f.path}
            label={f.label}
            type="number"
            value={draft.numbers[f.path]}
            onChange={(v) => set({ numbers: { ...draft.numbers, [f.path]: v } })}
            error={errors[f.path]}
          />
        ));

  return (
    <section aria-labelledby="vs-policy-heading" className="vs-section" data-testid="policy">
      <h3 id="vs-policy-heading">Verification policy</h3>
      <div role="status" aria-live="polite" className="vs-live">
        {view.state.status === 'loading' && <Dots aria-label="Loading the policy" />}
        {view.state.status === 'failed' && <Notice type="error">{failureText(view.state.failure)}</Notice>}
        {outcome && <ChangeNotice what="The policy change" outcome={outcome} onOpenChange={onOpenChange} />}
        {problem && <Notice type="error">{problem}</Notice>}
      </div>
      {view.state.status === 'ready' && (
        <p data-testid="policy-version">
          {view.state.value.isDefault
            ? 'The default policy (never changed).'
            : `Version ${view.state.value.version}, by ${view.state.value.changedBy ?? '—'} on ${new Date(view.state.value.createdAt ?? '').toLocaleString()}.`}
        </p>
      )}
      {draft && (
        <form
          className="vs-form"
          aria-label="Edit the verification policy"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset className="vs-fieldset">
            <legend>Methods, in the order the sidebar offers them</legend>
            <ol className="vs-methods" data-testid="methods">
              {draft.methods.map((m, i) => (
                <li key={m}>
                  <span>{method(m)}</span>
                  <Button
                    size="small"
                    isBasic
                    disabled={i === 0}
                    onClick={() => set({ methods: moveMethod(draft.methods, i, -1) })}
                    aria-label={`Move ${method(m)} up`}
                  >
                    ↑
                  </Button>
                  <Button
                    size="small"
                    isBasic
                    disabled={i === draft.methods.length - 1}
                    onClick={() => set({ methods: moveMethod(draft.methods, i, 1) })}
                    aria-label={`Move ${method(m)} down`}
                  >
                    ↓
                  </Button>
                  <Button
                    size="small"
                    isBasic
                    isDanger
                    onClick={() => set({ methods: toggleMethod(draft.methods, m) })}
                    aria-label={`Stop offering ${method(m)}`}
                  >
                    Remove
                  </Button>
                </li>
              ))}
            </ol>
            {unusedMethods(draft.methods).map((m) => (
              <Button
                key={m}
                size="small"
                onClick={() => set({ methods: toggleMethod(draft.methods, m) })}
                aria-label={`Offer ${method(m)}`}
              >
                + {method(m)}
              </Button>
            ))}
            {errors.methods && <p className="vs-error">{errors.methods}</p>}
            <Field>
              <Field.Label>Fallback method</Field.Label>
              <Select value={draft.fallbackMethod} onChange={(e) => set({ fallbackMethod: e.target.value as VerificationMethod | '' })}>
                <option value="">None</option>
                {draft.methods.map((m) => (
                  <option key={m} value={m}>
                    {method(m)}
                  </option>
                ))}
              </Select>
            </Field>
          </fieldset>
          <fieldset className="vs-fieldset">
            <legend>Secrets in desk comments</legend>
            <Field>
              <Field.Label>When a new comment contains a secret</Field.Label>
              <Field.Hint>Needs the desk webhook set up (README, Desk webhooks). ServiceNow comments can only be reported.</Field.Hint>
              <Select value={draft.commentRedaction} onChange={(e) => set({ commentRedaction: e.target.value as CommentRedactionMode })}>
                {COMMENT_REDACTION_MODES.map((m) => (
                  <option key={m} value={m}>
                    {COMMENT_REDACTION_LABELS[m]}
                  </option>
                ))}
              </Select>
            </Field>
          </fieldset>
          <fieldset className="vs-fieldset">
            <legend>Callbacks</legend>
            <Field>
              <Checkbox checked={draft.deskPhoneAllowed} onChange={(e) => set({ deskPhoneAllowed: e.target.checked })}>
                <Field.Label>Allow the help desk’s phone number for callbacks</Field.Label>
                <Field.Hint>Weakens verification: agents can edit that number. Used only when unchanged long enough.</Field.Hint>
              </Checkbox>
            </Field>
            {numberInputs('phone')}
          </fieldset>
          {GROUPS.map(({ group, legend }) => (
            <fieldset key={group} className="vs-fieldset">
              <legend>{legend}</legend>
              {numberInputs(group)}
              {group === 'oidc' &&
                LIST_FIELDS.filter((f) => f.path.startsWith('oidc.')).map((f) => (
                  <FormField
                    key={f.path}
                    label={f.label}
                    type="lines"
                    value={draft.lists[f.path]}
                    onChange={(v) => set({ lists: { ...draft.lists, [f.path]: v } })}
                    error={errors[f.path]}
                  />
                ))}
            </fieldset>
          ))}
          <FormField
            label={LIST_FIELDS[0].label}
            type="lines"
            value={draft.lists.supervisors}
            onChange={(v) => set({ lists: { ...draft.lists, supervisors: v } })}
            error={errors.supervisors}
            hint="They may approve an agent’s override request (never their own)."
          />
          <FormField label="Why (shown to the approver)" isOptional value={reason} onChange={setReason} />
          <Button type="submit" isPrimary disabled={isBusy}>
            {isBusy ? 'Saving…' : 'Save policy'}
          </Button>
        </form>
      )}
    </section>
  );
}
