/** The three help desks the stand-ins imitate (same union as @vouchsafe/contracts `Desk`). */
export type Desk = 'zendesk' | 'servicenow' | 'jira';
export const DESK_NAMES: readonly Desk[] = ['zendesk', 'servicenow', 'jira'];

/** A desk user: an agent, a requester or the integration account the credentials belong to. */
export interface DeskPerson {
  /** Zendesk numeric id ('9001'), ServiceNow sys_id (32 hex), Jira accountId. */
  id: string;
  name: string;
  email: string | null;
  /** Zendesk `phone`, ServiceNow `mobile_phone`; Jira has none (always null there). */
  phone: string | null;
  /**
   * When the phone number was last set: Zendesk reports it as the phone identity's created_at/updated_at, ServiceNow
   * as a sys_audit row for `mobile_phone` (unless `isPhoneAudited` is false, as on an instance without auditing).
   */
  phoneSetAt: Date;
  /** ServiceNow `sys_updated_on` of the user record (any change). */
  updatedAt: Date;
  /**
   * Whether the desk keeps a dated record of the phone number (default true). false: ServiceNow has no sys_audit row
   * for it (auditing off), Zendesk has the `phone` field but no phone_number identity — the desk cannot tell when it
   * changed.
   */
  isPhoneAudited?: boolean;
}

/** One comment, work note or JSM comment as the desk stored it. */
export interface DeskComment {
  /** The desk's comment id (Zendesk numeric, ServiceNow journal sys_id, JSM numeric). */
  id: string;
  body: string;
  /** false = internal note (Zendesk `public:false`, ServiceNow `work_notes`, JSM `public:false`). */
  isPublic: boolean;
  createdAt: Date;
  authorId: string;
}

export interface DeskTicket {
  desk: Desk;
  /** The desk's own id: Zendesk '101', ServiceNow sys_id, Jira issue key 'HELP-1'. */
  id: string;
  /** The id Vouchsafe's API uses for the ticket: Zendesk '101', ServiceNow 'incident:<sys_id>', Jira 'HELP-1'. */
  ticketId: string;
  /** What agents see: Zendesk '#101', ServiceNow 'INC0010001', Jira 'HELP-1'. */
  displayId: string;
  /** ServiceNow table ('incident'); empty for the other desks. */
  table: string;
  /** Jira numeric issue id ('10001'); equal to `id` elsewhere. */
  issueId: string;
  subject: string;
  requesterId: string;
  createdAt: Date;
  /** Oldest first. */
  comments: DeskComment[];
  /**
   * Issue 12 (ticket lifecycle): absent or 'open' while agents work on it; 'solved' / 'closed' once done (Zendesk
   * statuses; ServiceNow answers state 6 / 7 with `active`, JSM the status category DONE). Deleted tickets are removed.
   */
  status?: DeskTicketStatus;
  /** Issue 12: the ticket this one was merged into (Zendesk merge: the source is closed and tagged `closed_by_merge`). */
  mergedInto?: string;
}

export type DeskTicketStatus = 'open' | 'solved' | 'closed';

/** One request a stand-in answered (or dropped). Never holds bodies or headers. */
export interface DeskRequest {
  desk: Desk;
  method: string;
  /** Path below the desk prefix, without the query: `/api/v2/tickets/101.json`. */
  path: string;
  /** Raw query string without `?` ('' when none). */
  query: string;
  /** HTTP status sent; 0 when the connection was destroyed instead. */
  status: number;
  at: Date;
}

/** How a fault shows itself: a 503 with the vendor's error body, or a destroyed socket (no response at all). */
export type FaultMode = 'status' | 'destroy';
