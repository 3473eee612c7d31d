import type { Verification } from '@vouchsafe/contracts';
import { MD, SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';
import { OverrideDecision } from './OverrideDecision';

export interface PendingOverridesProps {
  overrides: readonly Verification[];
  methodName: (verification: Verification) => string;
  isBusy: boolean;
  onApprove: (verification: Verification) => void;
  /** Resolves true when the decline was accepted. */
  onDecline: (verification: Verification, reason: string) => Promise<boolean>;
}

/** A supervisor's sidebar: other agents' override requests on this ticket, each to approve (after a confirmation) or decline. */
export function PendingOverrides({ overrides, methodName, isBusy, onApprove, onDecline }: PendingOverridesProps) {
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
              {v.isFraudSuspected && (
                <SM isBold style={styles.danger}>
                  {messages.verify.queueFraud}
                </SM>
              )}
              {v.override && <SM>{messages.verify.overrideReason(v.override.reason)}</SM>}
              {v.reason && <SM style={styles.muted}>{messages.verify.failed(v.reason)}</SM>}
              <OverrideDecision
                verification={v}
                methodName={methodName(v)}
                isBusy={isBusy}
                onApprove={() => onApprove(v)}
                onDecline={(reason) => onDecline(v, reason)}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
