import { useCallback, useEffect, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { failureText, Notice, useLoadable } from '@vouchsafe/console';
import type { ChangeList, PendingChange } from '@vouchsafe/contracts';
import type { AdminApi } from '../api/admin-api';
import { ChangeCard, FieldDiff, kindLabel } from './ChangeCard';
import { Confirm } from './Confirm';
import { FormField } from './FormField';

export interface ChangesPageProps {
  api: AdminApi;
  csrf: string;
  onSignedOut(): void;
  /** A change to show first and focus (after "See the change"). */
  focusId?: string;
}

/** The queue of changes that wait for a second person (four eyes), across tenants; decided ones on request. */
export function ChangesPage({ api, csrf, onSignedOut, focusId }: ChangesPageProps) {
  const list = useLoadable<ChangeList>(onSignedOut);
  const [isAll, setAll] = useState(false);
  const [approving, setApproving] = useState<PendingChange>();
  const [approveReason, setApproveReason] = useState('');
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string }>();
  const { run } = list;

  const load = useCallback(() => void run(() => api.changes(isAll ? 'all' : 'pending')), [api, run, isAll]);
  useEffect(load, [load]);

  const after = (result: Awaited<ReturnType<AdminApi['approve']>>, done: string): boolean => {
    if (!result.ok && result.failure.kind === 'signed-out') {
      onSignedOut();
      return false;
    }
    setNotice(result.ok ? { type: 'success', text: done } : { type: 'error', text: failureText(result.failure) });
    load();
    return result.ok;
  };

  return (
    <section aria-labelledby="vs-changes-heading" className="vs-section">
      <div className="vs-section__head">
        <h2 id="vs-changes-heading">Changes waiting for approval</h2>
        <Button size="small" onClick={load}>
          Refresh
        </Button>
        <Field>
          <Checkbox checked={isAll} onChange={(e) => setAll(e.target.checked)}>
            <Field.Label>Show decided changes too</Field.Label>
          </Checkbox>
        </Field>
      </div>
      <div role="status" aria-live="polite" className="vs-live">
        {list.state.status === 'loading' && <Dots aria-label="Loading changes" />}
        {list.state.status === 'failed' && <Notice type="error">{failureText(list.state.failure)}</Notice>}
        {notice && <Notice type={notice.type}>{notice.text}</Notice>}
        {list.state.status === 'ready' && list.state.value.approvals === 'single_admin' && (
          <Notice type="warning" title="Single-administrator mode">
            This server applies policy and IdP changes at once, without a second person (for demos and tests only).
          </Notice>
        )}
        {list.state.status === 'ready' && list.state.value.changes.length === 0 && <Notice type="info">Nothing waits for approval.</Notice>}
      </div>
      {list.state.status === 'ready' &&
        list.state.value.changes.map((change) => (
          <ChangeCard
            key={change.id}
            change={change}
            isFocused={change.id === focusId}
            onApprove={(c) => {
              setApproveReason('');
              setApproving(c);
            }}
            onReject={async (c, reason) => after(await api.reject(csrf, c.id, reason), `Rejected: ${c.summary}`)}
            onWithdraw={async (c) => void after(await api.withdraw(csrf, c.id), `Withdrawn: ${c.summary}`)}
          />
        ))}
      {approving && (
        <Confirm
          title={`Approve: ${kindLabel(approving)} for ${approving.tenant}`}
          action="Approve and apply"
          isDanger={approving.weakens}
          onCancel={() => setApproving(undefined)}
          onConfirm={async () => {
            const reason = approveReason.trim();
            after(await api.approve(csrf, approving.id, reason === '' ? undefined : reason), `Approved and applied: ${approving.summary}`);
            // Closed either way: the outcome (or why it failed) is announced on the page.
            setApproving(undefined);
          }}
        >
          <p>
            {approving.summary}. Asked by {approving.requestedBy}.
            {approving.weakens && <strong> This makes verification easier to pass.</strong>}
          </p>
          <FieldDiff change={approving} />
          <FormField label="Note for the record" isOptional type="lines" value={approveReason} onChange={setApproveReason} />
        </Confirm>
      )}
    </section>
  );
}
