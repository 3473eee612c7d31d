import type { SidebarContext } from '@vouchsafe/contracts';
import * as styles from '../styles';
import { messages } from '../messages';

export interface TicketSummaryProps {
  context: SidebarContext;
}

/** What the server says this session is about: the agent can check it is the right ticket. */
export function TicketSummary({ context }: TicketSummaryProps) {
  return (
    <div role="group" aria-label={messages.ticketContext}>
      <dl style={styles.summaryList}>
        <dt style={styles.summaryTerm}>{messages.ticketLabel}</dt>
        <dd style={styles.summaryValue}>{context.ticket.displayId}</dd>
        <dt style={styles.summaryTerm}>{messages.requesterLabel}</dt>
        <dd style={styles.summaryValue}>{context.requester.label}</dd>
        <dt style={styles.summaryTerm}>{messages.agentLabel}</dt>
        <dd style={styles.summaryValue}>{context.agent.label}</dd>
      </dl>
    </div>
  );
}
