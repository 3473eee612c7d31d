import { Notice } from '@vouchsafe/console';
import type { ChangeOutcome } from '../api/admin-api';

/** After a policy or IdP change: applied, or waiting for a second administrator (with the way to that change). */
export function ChangeNotice({
  outcome,
  what,
  onOpenChange,
}: {
  outcome: ChangeOutcome<unknown>;
  what: string;
  onOpenChange(id: string): void;
}) {
  if (outcome.kind === 'applied') return <Notice type="success">{what}: applied.</Notice>;
  return (
    <Notice type="info" title="Waiting for approval">
      {what} waits for a second administrator to approve it (until {new Date(outcome.change.expiresAt).toLocaleString()}).{' '}
      <button type="button" className="vs-link" onClick={() => onOpenChange(outcome.change.id)} data-testid="open-change">
        See the change
      </button>
    </Notice>
  );
}
