import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Tag } from '@zendeskgarden/react-tags';
import type { PendingChange } from '@vouchsafe/contracts';
import { FormField } from './FormField';

const KIND_LABELS: Record<PendingChange['kind'], string> = {
  'policy.set': 'Policy change',
  'idp.set': 'IdP connection set',
  'idp.remove': 'IdP connection removed',
};
export const kindLabel = (change: PendingChange) => `${KIND_LABELS[change.kind]}${change.target ? ` (${change.target})` : ''}`;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function FieldDiff({ change }: { change: PendingChange }) {
  return (
    <table className="vs-table" data-testid="change-fields">
      <caption>What changes{change.weakens ? ' (highlighted: weakens verification)' : ''}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Now</th>
          <th scope="col">After approval</th>
        </tr>
      </thead>
      <tbody>
        {change.fields.map((f) => (
          <tr key={f.path} className={f.weakens ? 'vs-weakens' : undefined} data-weakens={f.weakens}>
            <th scope="row">
              {f.path}
              {f.weakens && (
                <Tag hue="red" size="small" className="vs-tag">
                  Weakens verification
                </Tag>
              )}
            </th>
            <td>{f.before ?? '(none)'}</td>
            <td>{f.after ?? '(none)'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface ChangeCardProps {
  change: PendingChange;
  isFocused: boolean;
  onApprove(change: PendingChange): void;
  onReject(change: PendingChange, reason: string): Promise<boolean>;
  onWithdraw(change: PendingChange): void;
}

/** One change in the queue: what, who, when, the field diff, and what the signed-in person may do with it. */
export function ChangeCard({ change, isFocused, onApprove, onReject, onWithdraw }: ChangeCardProps) {
  const [isRejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const headingId = `vs-change-${change.id}`;

  const reject = async () => {
    if (reason.trim().length < 5) {
      setReasonError('Say why (at least 5 characters): the person who asked reads it.');
      return;
    }
    if (await onReject(change, reason.trim())) setRejecting(false);
  };

  return (
    <article
      aria-labelledby={headingId}
      className={`vs-card${isFocused ? ' vs-card--focused' : ''}`}
      data-testid="change"
      data-change-id={change.id}
      data-state={change.state}
    >
      <h3 id={headingId} tabIndex={-1} ref={(el) => void (isFocused && el?.focus())}>
        {change.summary}
      </h3>
      <dl className="vs-facts">
        <dt>Tenant</dt>
        <dd>{change.tenant}</dd>
        <dt>Kind</dt>
        <dd>{kindLabel(change)}</dd>
        <dt>Asked by</dt>
        <dd data-testid="requested-by">{change.requestedBy}</dd>
        <dt>Asked at</dt>
        <dd>{when(change.requestedAt)}</dd>
        <dt>{change.state === 'pending' ? 'Expires' : 'Decided'}</dt>
        <dd>
          {change.state === 'pending' ? when(change.expiresAt) : `${change.state} by ${change.decidedBy ?? '—'}, ${when(change.decidedAt)}`}
        </dd>
        {change.requestReason && (
          <>
            <dt>Why</dt>
            <dd>{change.requestReason}</dd>
          </>
        )}
        {change.decisionReason && (
          <>
            <dt>Decision</dt>
            <dd>{change.decisionReason}</dd>
          </>
        )}
      </dl>
      <FieldDiff change={change} />
      {change.state === 'pending' && (
        <div className="vs-actions">
          {change.isOwnRequest && (
            <>
              <span className="vs-waiting" data-testid="own-request">
                Your request: waiting for another administrator.
              </span>
              <Button size="small" onClick={() => onWithdraw(change)}>
                Withdraw
              </Button>
            </>
          )}
          {change.canDecide && !isRejecting && (
            <>
              <Button size="small" isPrimary onClick={() => onApprove(change)}>
                Approve
              </Button>
              <Button size="small" isDanger onClick={() => setRejecting(true)}>
                Reject
              </Button>
            </>
          )}
          {!change.isOwnRequest && !change.canDecide && (
            <span className="vs-waiting">Waiting for an administrator or policy approver.</span>
          )}
        </div>
      )}
      {isRejecting && (
        <form
          className="vs-form"
          aria-label="Reject the change"
          onSubmit={(e) => {
            e.preventDefault();
            void reject();
          }}
        >
          <FormField label="Why you reject it" type="lines" value={reason} onChange={setReason} error={reasonError} />
          <div className="vs-actions">
            <Button size="small" type="submit" isDanger>
              Reject change
            </Button>
            <Button size="small" isBasic onClick={() => setRejecting(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </article>
  );
}
