import type { Desk } from '@vouchsafe/contracts';

/**
 * What a desk tells Vouchsafe about a ticket, after its webhook was verified with the desk's own signing mechanism
 * and parsed (issue 12). Receivers (one per desk) produce these; handlers consume them:
 *  - `comment.created` → the redaction handler (detect, then report / redact per the tenant's policy);
 *  - `ticket.closed` / `ticket.deleted` / `ticket.merged` → the ticket-lifecycle handler (revoke outstanding secrets,
 *    cancel open verifications and document requests, with notes). The reconciliation sweep produces the same
 *    lifecycle events for tickets whose webhook was missed.
 * Ticket ids are the connector's ids (Zendesk id, `table:sys_id`, Jira key), the same ones sessions carry.
 */
export type DeskEvent = DeskCommentEvent | TicketLifecycleEvent;

export interface DeskEventBase {
  tenantId: string;
  desk: Desk;
  ticketId: string;
  /** The desk's delivery/event id when it sends one (dedupe), else a digest of the verified body. */
  eventId: string;
  /** When the desk says it happened. */
  occurredAt: Date;
}

export interface DeskCommentEvent extends DeskEventBase {
  kind: 'comment.created';
  commentId: string;
  /** The comment's plain text. Held in memory only while it is scanned; never stored, logged or audited. */
  body: string;
  public: boolean;
  author: 'agent' | 'end_user' | 'unknown';
}

export interface TicketLifecycleEvent extends DeskEventBase {
  kind: 'ticket.closed' | 'ticket.deleted' | 'ticket.merged';
  /** `ticket.merged`: the ticket that survives; activity moves there. */
  survivingTicketId?: string;
  /** Where the event came from: a desk webhook or the reconciliation sweep. */
  source: 'webhook' | 'sweep';
}

/** A handler for one family of events. Handlers must be idempotent: desks retry, and the sweep repeats webhooks. */
export interface DeskEventHandlers {
  onComment?(event: DeskCommentEvent): Promise<void>;
  onTicketLifecycle?(event: TicketLifecycleEvent): Promise<void>;
}
