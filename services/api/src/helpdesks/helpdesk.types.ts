import type { Desk } from '@vouchsafe/contracts';
import type { Outbound } from '../lib/outbound';

/** What every connector is built with: the call timeout and the one outbound-connection guard (S12). */
export interface ConnectorOptions {
  timeoutMs: number;
  outbound: Pick<Outbound, 'fetch'>;
  /** Each desk call's latency: operation (a fixed phrase, never ids), outcome (`ok` or the HelpdeskError kind), seconds. */
  observe?: (operation: string, outcome: string, seconds: number) => void;
}

/** A tenant row with what a connector needs, credentials already opened. Never log it. */
export interface DeskTenant {
  id: string;
  slug: string;
  name: string;
  desk: Desk;
  /** Zendesk subdomain, ServiceNow instance or Atlassian cloudId. */
  account: string;
  /** Base URL of the desk's REST API, no trailing slash (https://acme.zendesk.com, …). */
  apiBaseUrl: string;
  /** Public verification material from tenants.verification (PEM keys, audience, app id, JWKS URL). */
  verification: Record<string, string>;
  credentials: { email: string; apiToken: string } | { oauthToken: string } | { username: string; password: string };
}

export interface HelpdeskPerson {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface HelpdeskTicket {
  /** The connector's ticket id (Zendesk id, `table:sys_id`, Jira key). */
  id: string;
  displayId: string;
  requesterId: string | null;
}

/**
 * Issue 12: what a desk says about a ticket, for the reconciliation sweep. `merged` only where the desk marks a merged
 * ticket as such (Zendesk); a survivor id only where the desk's answer names it (none does today: see each connector).
 */
export type DeskTicketState =
  { state: 'open' } | { state: 'closed' } | { state: 'deleted' } | { state: 'merged'; survivingTicketId?: string };

/** Issue 12: the most ids one `ticketStates` call takes (Zendesk's show_many limit). */
export const TICKET_STATES_BATCH = 100;

/** An internal note read back from the desk: its id there and its body as the desk returns it. */
export interface DeskNote {
  remoteId: string | null;
  text: string;
}

/** Why a desk call failed; `retryable` drives the outbox backoff. Messages carry no credentials or note text. */
export class HelpdeskError extends Error {
  override name = 'HelpdeskError';
  constructor(
    readonly kind: 'unavailable' | 'rejected' | 'not_found' | 'unauthorized',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.kind === 'unavailable';
  }
}

/** Issue 12: a span of a comment's text to remove, and the masked placeholder for desks that let us choose one. */
export interface CommentRedaction {
  start: number;
  end: number;
  placeholder: string;
}

/** `redacted`: written back; `clean`: nothing found in the desk's current text (already redacted, or edited); `unsupported`: the desk offers no way. */
export type RedactOutcome = 'redacted' | 'clean' | 'unsupported';

/**
 * One interface per help desk (helpdesks/<desk>/). Ticket and requester are always looked up
 * here, server-side, never taken from the browser (S6).
 */
export interface HelpdeskConnector {
  /** A desk, or a chat platform whose workspace is seen as a desk (modules/chat/slack/slack.connector.ts). */
  readonly desk: Desk | 'slack';
  /** undefined when the desk says the ticket does not exist (or this account cannot see it). */
  getTicket(ticketId: string): Promise<HelpdeskTicket | undefined>;
  getRequester(ticket: HelpdeskTicket): Promise<HelpdeskPerson | undefined>;
  getAgent(agentId: string): Promise<HelpdeskPerson | undefined>;
  /**
   * When the person's phone number on record last changed, as far as the desk can tell (Zendesk: the phone
   * identity's times; ServiceNow: the audit history of the phone fields, else the record's last update). null when
   * the desk cannot tell — callers must then treat the number as changed just now (DESIGN S11).
   */
  phoneChangedAt(person: HelpdeskPerson): Promise<Date | null>;
  /**
   * Makes a fragment of text that came from outside (a requester's or agent's name, a label, a reason)
   * inert in this desk's note format: no markup, link, image or HTML can come out of it. The note's
   * own lines and the receipt are not passed through it. Each desk owns its format (see its connector).
   */
  escapeNoteText(fragment: string): string;
  /** Adds an internal (non-public) note. `receipt` appears in the body so findNote can dedupe. */
  addInternalNote(ticketId: string, body: string): Promise<{ remoteId: string | null }>;
  /** True when a note containing `receipt` is already on the ticket (used before a retry). */
  findNote(ticketId: string, receipt: string): Promise<boolean>;
  /**
   * The internal note as it stands in the desk now (receipt checks, issue 9): found by the desk's note id when the
   * write answered one (`remoteId`), else by the receipt in its text. undefined when neither finds it, or the ticket
   * is gone. Desk trouble throws HelpdeskError (a receipt check then says `unavailable`, never a verdict).
   */
  readNote(ticketId: string, receipt: string, remoteId: string | null): Promise<DeskNote | undefined>;
  /**
   * Adds a PUBLIC reply to the ticket: the desk itself sends it to the requester's email on record
   * (Zendesk public comment, ServiceNow customer-visible `comments`, JSM public comment). Used for
   * verification links only, which are worthless without the requester's own IdP sign-in.
   */
  addPublicReply(ticketId: string, body: string): Promise<{ remoteId: string | null }>;
  /**
   * Issue 12: removes secrets from a comment through the desk's own API. The connector reads the comment as the desk
   * holds it NOW, asks `find` for the spans of each piece of its text, and writes it back (Zendesk comment redaction,
   * Jira comment edit); so a retry after a lost answer finds nothing and answers `clean`, never redacting twice, and
   * Vouchsafe never keeps the text between attempts. Desks without a way answer `unsupported` (ServiceNow). Errors are
   * HelpdeskError (`not_found`: the comment or ticket is gone) and never carry the text.
   */
  redactComment(ticketId: string, commentId: string, find: (text: string) => readonly CommentRedaction[]): Promise<RedactOutcome>;
  /**
   * Issue 12: the states of up to TICKET_STATES_BATCH tickets (the reconciliation sweep). Every id asked is in the
   * answer; `deleted` only when the desk answered and the ticket is not there — desk trouble (outage, 5xx, 401/403,
   * an unreadable answer) throws HelpdeskError, and the caller must never read that as deleted.
   */
  ticketStates(ticketIds: readonly string[]): Promise<Map<string, DeskTicketState>>;
}
