import type { Desk } from '@vouchsafe/contracts';

/** A verified sidebar session: who is acting, for which tenant, on which ticket. */
export interface SidebarSession {
  tenantId: string;
  desk: Desk;
  /** The desk's ticket id as the connector uses it (Zendesk id, `table:sys_id`, Jira key). */
  ticketId: string;
  /** What agents call the ticket (#42, INC0010001, HELP-42). */
  ticketDisplayId: string;
  /** The desk's id for the agent (Zendesk user id, ServiceNow sys_id, Atlassian accountId). */
  agentId: string;
  /** Display name for notes and the sidebar; never an email address (masked if it is one). */
  agentLabel: string;
  /** When this session stops being valid. */
  expiresAt: Date;
}

/**
 * Who acts on which ticket, without the sidebar's desk and expiry: what the verification module needs. A chat
 * workspace's request (modules/chat) builds one from Slack's signed request; a sidebar session is one too.
 */
export type ActingSession = Omit<SidebarSession, 'desk' | 'expiresAt'>;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** Set by requireSession(); undefined on routes without it. */
      session?: SidebarSession;
    }
  }
}
