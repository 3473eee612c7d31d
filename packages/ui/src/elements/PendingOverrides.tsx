import type { Verification } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { MD, SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';

export interface PendingOverridesProps {
  overrides: readonly Verification[];
  methodName: (verification: Verification) => string;
  isApproving: boolean;
  onApprove: (verification: Verification) => void;
}

/** A supervisor's sidebar: other agents' override requests on this ticket, each with Approve. */
export function PendingOverrides({ overrides, methodName, isApproving, onApprove }: PendingOverridesProps) {
  if (overrides.length === 0) return null;
  return (
    <section style={styles.section} aria-labelledby="vouchsafe-pending-overrides-heading">
      <MD tag="h3" id="vouchsafe-pending-overrides-heading" isBold>
        {messages.verify.pendingHeading}
      </MD>
      <ul style={styles.plainList}>
        {overrides.map((v) => {
          const agent = v.override?.requestedBy ?? v.agentLabel;
          return (
            <li key={v.id} style={styles.listItem} data-pending-override={v.id}>
              <SM isBold>{messages.verify.pendingItem(agent, methodName(v), messages.verify.stateWords[v.state])}</SM>
              {v.override && <SM>{messages.verify.overrideReason(v.override.reason)}</SM>}
              {v.reason && <SM style={styles.muted}>{messages.verify.failed(v.reason)}</SM>}
              <div style={styles.row}>
                <Button
                  size="small"
                  isDanger
                  disabled={isApproving}
                  aria-label={messages.verify.approveName(agent)}
                  onClick={() => onApprove(v)}
                >
                  {messages.verify.approve}
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
