import { DESK_ACCOUNTS } from './desk.accounts';
import type { DeskState } from './desk.state';
import type { Desk } from './desk.types';

/**
 * What a desk admin does to a note after Vouchsafe wrote it, sent to the stand-in over HTTP in the desk's own wire
 * format, so a receipt check sees it the way it would see the real desk:
 * - Zendesk cannot edit or delete a comment; it can redact text in it (Redact String in Comment) or delete the ticket;
 * - ServiceNow: PATCH / DELETE the journal entry in sys_journal_field (Table API);
 * - Jira: PUT / DELETE the comment through the platform REST API v2.
 */
export interface DeskAdmin {
  /** Changes `fragment` in the note to ▇ characters (a Zendesk redaction; an edit elsewhere). */
  editNote(desk: Desk, commentId: string, fragment: string): Promise<void>;
  /** Removes the note (Zendesk: deletes its ticket, the only way a Zendesk comment goes away). */
  deleteNote(desk: Desk, commentId: string): Promise<void>;
}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const AUTH: Record<Desk, string> = {
  zendesk: basic(`${DESK_ACCOUNTS.zendesk.email}/token`, DESK_ACCOUNTS.zendesk.apiToken),
  servicenow: basic(DESK_ACCOUNTS.servicenow.username, DESK_ACCOUNTS.servicenow.password),
  jira: basic(DESK_ACCOUNTS.jira.email, DESK_ACCOUNTS.jira.apiToken),
};

export function createDeskAdmin(state: DeskState, baseUrl: () => string | undefined): DeskAdmin {
  async function call(desk: Desk, method: string, path: string, body?: unknown): Promise<void> {
    const base = baseUrl();
    if (!base) throw new Error('the desk stand-ins have no URL yet');
    const res = await fetch(`${base}/${desk}${path}`, {
      method,
      headers: { authorization: AUTH[desk], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${desk} ${method} ${path}: ${res.status} ${await res.text()}`);
  }

  function located(desk: Desk, commentId: string) {
    const found = state.findComment(desk, commentId);
    if (!found) throw new Error(`no ${desk} comment ${commentId} in the stand-in`);
    return found;
  }

  return {
    async editNote(desk, commentId, fragment) {
      const { ticket, comment } = located(desk, commentId);
      const edited = comment.body.split(fragment).join('\u2587'.repeat([...fragment].length));
      if (desk === 'zendesk') await call(desk, 'PUT', `/api/v2/tickets/${ticket.id}/comments/${commentId}/redact.json`, { text: fragment });
      else if (desk === 'servicenow') await call(desk, 'PATCH', `/api/now/table/sys_journal_field/${commentId}`, { value: edited });
      else await call(desk, 'PUT', `/rest/api/2/issue/${ticket.id}/comment/${commentId}`, { body: edited });
    },
    async deleteNote(desk, commentId) {
      const { ticket } = located(desk, commentId);
      if (desk === 'zendesk') await call(desk, 'DELETE', `/api/v2/tickets/${ticket.id}.json`);
      else if (desk === 'servicenow') await call(desk, 'DELETE', `/api/now/table/sys_journal_field/${commentId}`);
      else await call(desk, 'DELETE', `/rest/api/2/issue/${ticket.id}/comment/${commentId}`);
    },
  };
}
