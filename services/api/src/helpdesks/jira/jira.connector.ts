import { commentNotes, createDeskHttp, field, idString, isRecord, malformed, textOrNull } from '../desk-http';
import { redactAdf } from '../comment-redaction';
import {
  HelpdeskError,
  TICKET_STATES_BATCH,
  type ConnectorOptions,
  type DeskTicketState,
  type DeskTenant,
  type HelpdeskConnector,
  type HelpdeskPerson,
  type HelpdeskTicket,
} from '../helpdesk.types';

/**
 * Jira Service Management: requests read from the servicedesk API, internal comments posted with
 * `public: false` (docs/research 2.5). Ticket ids are issue keys (HELP-42).
 */

const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,11}$/;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const PAGE = 100;
const MAX_PAGES = 20;

/**
 * JSM renders request comments from Jira wiki markup (links `[text|url]`, images `!url!`, macros
 * `{color}`/`{code}`/`{html}`, effects `*` `_` `-` `+` `^` `~` `??`, tables `|`, headings `#`).
 * Outside text gets the wiki's own escape, a backslash, before each of those characters (the
 * `\X` rule of Jira's text formatting notation, "escape special character X"; pandoc's Jira writer
 * escapes the same way). A backslash itself becomes a look-alike: `\\` would be a forced line break.
 */
export function escapeJiraNoteText(fragment: string): string {
  return fragment.replace(/\\/g, '\u29f5').replace(/[[\]{}!|*_+^~?#-]/g, '\\$&');
}

export function createJiraConnector(tenant: DeskTenant, opts: ConnectorOptions): HelpdeskConnector {
  const http = createDeskHttp(tenant, opts);

  function checkKey(ticketId: string): string {
    if (!ISSUE_KEY.test(ticketId)) throw new HelpdeskError('rejected', 'Jira ticket ids are issue keys');
    return ticketId;
  }

  async function getPerson(op: string, accountId: string): Promise<HelpdeskPerson | undefined> {
    if (!ACCOUNT_ID.test(accountId)) return undefined;
    const body = await http.json(op, 'GET', `/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`, { isMissingOk: true });
    if (body === undefined) return undefined;
    const id = idString(field(body, 'accountId'));
    if (!id) throw malformed(tenant, op);
    return { id, name: textOrNull(field(body, 'displayName')), email: textOrNull(field(body, 'emailAddress')), phone: null };
  }

  /** The first internal comment `match` accepts, within MAX_PAGES pages; undefined when none or the request is gone. */
  async function findComment(
    ticketId: string,
    match: (c: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown> | undefined> {
    const key = checkKey(ticketId);
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await http.json(
        'list internal comments',
        'GET',
        `/rest/servicedeskapi/request/${key}/comment?public=false&internal=true&start=${page * PAGE}&limit=${PAGE}`,
        { isMissingOk: true },
      );
      if (body === undefined) return undefined;
      const values = field(body, 'values');
      if (!Array.isArray(values)) throw malformed(tenant, 'list internal comments');
      const found = values.find((c): c is Record<string, unknown> => isRecord(c) && match(c));
      if (found) return found;
      if (field(body, 'isLastPage') !== false || values.length === 0) return undefined;
    }
    return undefined;
  }

  return {
    desk: 'jira',

    escapeNoteText: escapeJiraNoteText,

    async getTicket(ticketId): Promise<HelpdeskTicket | undefined> {
      if (!ISSUE_KEY.test(ticketId)) return undefined;
      const body = await http.json('read request', 'GET', `/rest/servicedeskapi/request/${ticketId}`, { isMissingOk: true });
      if (body === undefined) return undefined;
      const key = idString(field(body, 'issueKey'));
      if (!key) throw malformed(tenant, 'read request');
      return { id: key, displayId: key, requesterId: idString(field(field(body, 'reporter'), 'accountId')) };
    },

    getRequester: (ticket) => (ticket.requesterId ? getPerson('read reporter', ticket.requesterId) : Promise.resolve(undefined)),

    getAgent: (agentId) => getPerson('read agent', agentId),

    // Atlassian accounts carry no phone number for us; nothing to date.
    phoneChangedAt: () => Promise.resolve(null),

    async addInternalNote(ticketId, text) {
      const body = await http.json('add internal comment', 'POST', `/rest/servicedeskapi/request/${checkKey(ticketId)}/comment`, {
        body: { body: text, public: false },
      });
      return { remoteId: idString(field(body, 'id')) };
    },

    async addPublicReply(ticketId, text) {
      const body = await http.json('add public comment', 'POST', `/rest/servicedeskapi/request/${checkKey(ticketId)}/comment`, {
        body: { body: text, public: true },
      });
      return { remoteId: idString(field(body, 'id')) };
    },

    // Issue 12: one `GET /rest/servicedeskapi/request/{key}` per request (the JSM API has no batch read; a JQL search
    // with `key in (…)` fails as a whole when one key no longer exists). `currentStatus.statusCategory` DONE = resolved
    // or closed; 404 = deleted (or no longer visible to the integration account). Jira has no ticket merge.
    async ticketStates(ticketIds) {
      const states = new Map<string, DeskTicketState>();
      for (const key of ticketIds.filter((id) => ISSUE_KEY.test(id)).slice(0, TICKET_STATES_BATCH)) {
        const body = await http.json('read request state', 'GET', `/rest/servicedeskapi/request/${key}`, { isMissingOk: true });
        if (body === undefined) {
          states.set(key, { state: 'deleted' });
          continue;
        }
        const category = field(field(body, 'currentStatus'), 'statusCategory');
        if (typeof category !== 'string') throw malformed(tenant, 'read request state');
        states.set(key, { state: category === 'DONE' ? 'closed' : 'open' });
      }
      return states;
    },

    // findNote / readNote (desk-http commentNotes): JSM request comments carry `body` as the text it was written with (wiki markup; that JSM answers it unchanged
    // is UNCONFIRMED — the stand-in does). Internal comments only.
    ...commentNotes(findComment),

    // Issue 12: Jira platform REST v3, GET then PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id} with the body as an
    // Atlassian Document Format document: each secret in a text node becomes its masked placeholder. Only `body` is
    // sent, so the comment's visibility and properties (JSM's internal flag) stay as they were (UNCONFIRMED for
    // sd.public.comment; Jira documents that omitted fields are left unchanged on PUT).
    async redactComment(ticketId, commentId, find) {
      const key = checkKey(ticketId);
      if (!/^\d{1,20}$/.test(commentId)) throw new HelpdeskError('rejected', 'Jira comment ids are numbers');
      const path = `/rest/api/3/issue/${key}/comment/${commentId}`;
      const comment = await http.json('read comment', 'GET', path, { isMissingOk: true });
      if (comment === undefined) throw new HelpdeskError('not_found', 'The comment is not on the issue (any more)');
      const redacted = redactAdf(field(comment, 'body'), find);
      if (redacted === undefined) return 'clean';
      await http.json('edit comment', 'PUT', path, { body: { body: redacted } });
      return 'redacted';
    },
  };
}
