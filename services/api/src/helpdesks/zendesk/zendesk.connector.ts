import { commentNotes, createDeskHttp, deskTime, field, idString, isRecord, malformed, phoneDigits, textOrNull } from '../desk-http';
import { markZendeskHtml } from '../comment-redaction';
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
 * Zendesk Support REST API: tickets and users read with the Tickets/Users APIs, internal notes
 * written as a ticket update with `comment.public: false` (docs/research 1.8).
 */

const TICKET_ID = /^[1-9]\d{0,19}$/;
/** Newest first is where a receipt we wrote recently sits; a few pages are plenty. */
const MAX_COMMENT_PAGES = 10;

/**
 * Zendesk renders a comment's `body` as Markdown ("Markdown formatting is supported in body but not in
 * html_body", Zendesk's comment docs as quoted in justeat/ZendeskApiClient#265; the flavour is
 * UNCONFIRMED). Outside text gets the Markdown escapes every flavour honours (original Markdown's
 * backslash set, minus characters that only matter at the start of a line, which a fragment never
 * is) and `<` `>` become look-alikes, since escaping them is not portable across flavours: no link,
 * image, emphasis, code span or HTML can come out of it. Link-looking text is defanged before this
 * (notes/note-text.ts cleanText), so autolinking finds nothing either.
 */
export function escapeZendeskNoteText(fragment: string): string {
  return fragment
    .replace(/[\\`*_[\]()!#]/g, '\\$&')
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203a');
}

export function createZendeskConnector(tenant: DeskTenant, opts: ConnectorOptions): HelpdeskConnector {
  const http = createDeskHttp(tenant, opts);

  function checkId(ticketId: string): string {
    if (!TICKET_ID.test(ticketId)) throw new HelpdeskError('rejected', 'Zendesk ticket ids are numbers');
    return ticketId;
  }

  async function getPerson(op: string, userId: string): Promise<HelpdeskPerson | undefined> {
    if (!TICKET_ID.test(userId)) return undefined;
    const body = await http.json(op, 'GET', `/api/v2/users/${userId}.json`, { isMissingOk: true });
    if (body === undefined) return undefined;
    const user = field(body, 'user');
    const id = idString(field(user, 'id'));
    if (!id) throw malformed(tenant, op);
    return { id, name: textOrNull(field(user, 'name')), email: textOrNull(field(user, 'email')), phone: textOrNull(field(user, 'phone')) };
  }

  /** The newest comment `match` accepts, within MAX_COMMENT_PAGES pages; undefined when none or the ticket is gone. */
  async function findComment(
    ticketId: string,
    match: (c: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown> | undefined> {
    let path: string | null = `/api/v2/tickets/${checkId(ticketId)}/comments.json?sort_order=desc`;
    for (let page = 0; path && page < MAX_COMMENT_PAGES; page++) {
      const body = await http.json('list comments', 'GET', path, { isMissingOk: true });
      if (body === undefined) return undefined;
      const comments = field(body, 'comments');
      if (!Array.isArray(comments)) throw malformed(tenant, 'list comments');
      const found = comments.find((c): c is Record<string, unknown> => isRecord(c) && match(c));
      if (found) return found;
      path = nextPagePath(field(body, 'next_page'), tenant.apiBaseUrl);
    }
    return undefined;
  }

  return {
    desk: 'zendesk',

    escapeNoteText: escapeZendeskNoteText,

    async getTicket(ticketId): Promise<HelpdeskTicket | undefined> {
      if (!TICKET_ID.test(ticketId)) return undefined;
      const body = await http.json('read ticket', 'GET', `/api/v2/tickets/${ticketId}.json`, { isMissingOk: true });
      if (body === undefined) return undefined;
      const ticket = field(body, 'ticket');
      const id = idString(field(ticket, 'id'));
      if (!id) throw malformed(tenant, 'read ticket');
      return { id, displayId: `#${id}`, requesterId: idString(field(ticket, 'requester_id')) };
    },

    getRequester: (ticket) => (ticket.requesterId ? getPerson('read requester', ticket.requesterId) : Promise.resolve(undefined)),

    getAgent: (agentId) => getPerson('read agent', agentId),

    // The user's phone is one of their identities (type phone_number); its created_at/updated_at say when it was
    // set. No identity with that number: Zendesk cannot tell us, so the number counts as changed.
    async phoneChangedAt(person) {
      if (!person.phone || !TICKET_ID.test(person.id)) return null;
      const body = await http.json('read user identities', 'GET', `/api/v2/users/${person.id}/identities.json?per_page=100`, {
        isMissingOk: true,
      });
      const identities = field(body, 'identities');
      if (!Array.isArray(identities)) return null;
      const digits = phoneDigits(person.phone);
      const match = identities.find(
        (i) =>
          field(i, 'type') === 'phone_number' &&
          typeof field(i, 'value') === 'string' &&
          phoneDigits(field(i, 'value') as string) === digits,
      );
      if (!match) return null;
      const times = [deskTime(field(match, 'created_at')), deskTime(field(match, 'updated_at'))];
      if (times.some((t) => t === null)) return null;
      return new Date(Math.max(...times.map((t) => t!.getTime())));
    },

    async addInternalNote(ticketId, text) {
      const body = await http.json('add internal note', 'PUT', `/api/v2/tickets/${checkId(ticketId)}.json`, {
        body: { ticket: { comment: { body: text, public: false } } },
      });
      const audit = field(body, 'audit');
      const events = field(audit, 'events');
      const comment = Array.isArray(events) ? events.find((e) => field(e, 'type') === 'Comment') : undefined;
      return { remoteId: idString(field(comment, 'id')) ?? idString(field(audit, 'id')) };
    },

    async addPublicReply(ticketId, text) {
      const body = await http.json('add public reply', 'PUT', `/api/v2/tickets/${checkId(ticketId)}.json`, {
        body: { ticket: { comment: { body: text, public: true } } },
      });
      return { remoteId: idString(field(field(body, 'audit'), 'id')) };
    },

    // Issue 12: Show Many Tickets (`GET /api/v2/tickets/show_many.json?ids=…`, at most 100 ids). Statuses: new, open,
    // pending, hold, solved, closed. A ticket that does not exist (or was deleted) is absent from `tickets` (the
    // stand-in models this; that soft-deleted tickets are left out rather than answered with status `deleted` is
    // UNCONFIRMED, so a `deleted` status counts as deleted too). A merged source ticket is closed and tagged
    // `closed_by_merge` (seen in real accounts; UNCONFIRMED as a documented contract); the ticket answer does not
    // name the survivor, so the sweep cannot either (the webhook receiver can).
    async ticketStates(ticketIds) {
      const ids = ticketIds.filter((id) => TICKET_ID.test(id)).slice(0, TICKET_STATES_BATCH);
      const states = new Map<string, DeskTicketState>();
      if (ids.length === 0) return states;
      const body = await http.json('read ticket states', 'GET', `/api/v2/tickets/show_many.json?ids=${ids.join(',')}`);
      const tickets = field(body, 'tickets');
      if (!Array.isArray(tickets)) throw malformed(tenant, 'read ticket states');
      for (const t of tickets) {
        const id = idString(field(t, 'id'));
        if (!id || !ids.includes(id)) continue;
        const status = field(t, 'status');
        const tags = field(t, 'tags');
        if (status === 'deleted') states.set(id, { state: 'deleted' });
        else if (status === 'closed' && Array.isArray(tags) && tags.includes('closed_by_merge')) states.set(id, { state: 'merged' });
        else if (status === 'solved' || status === 'closed') states.set(id, { state: 'closed' });
        else states.set(id, { state: 'open' });
      }
      for (const id of ids) if (!states.has(id)) states.set(id, { state: 'deleted' });
      return states;
    },

    // findNote / readNote (desk-http commentNotes): Zendesk has no "get one comment" endpoint: the ticket's comments are listed, newest first. `body` is the text
    // as written (the stand-in returns it unchanged; that Zendesk never rewrites a Markdown body is UNCONFIRMED).
    ...commentNotes(findComment),

    // Issue 12: "Redact ticket comment in Agent Workspace", PUT /api/v2/comment_redactions/{ticket_comment_id} with
    // {ticket_id, html_body} where the text to remove is wrapped in <redact> tags — the endpoint Zendesk recommends
    // over the older "Redact string in comment" (Zendesk announcement 4408835158682; it also works on closed and
    // archived tickets). The comment's current html_body comes from the comment list (there is no one-comment GET).
    async redactComment(ticketId, commentId, find) {
      if (!TICKET_ID.test(commentId)) throw new HelpdeskError('rejected', 'Zendesk comment ids are numbers');
      const comment = await findComment(ticketId, (c) => idString(field(c, 'id')) === commentId);
      if (!comment) throw new HelpdeskError('not_found', 'The comment is not on the ticket (any more)');
      const html = field(comment, 'html_body');
      if (typeof html !== 'string') throw malformed(tenant, 'list comments');
      const marked = markZendeskHtml(html, find);
      if (marked === undefined) return 'clean';
      await http.json('redact comment', 'PUT', `/api/v2/comment_redactions/${commentId}`, {
        body: { ticket_id: Number(ticketId), html_body: marked },
      });
      return 'redacted';
    },
  };
}

/** Follows `next_page` only on the desk's own origin, as a path (never a URL the answer chose). */
function nextPagePath(next: unknown, apiBaseUrl: string): string | null {
  if (typeof next !== 'string') return null;
  try {
    const url = new URL(next);
    const base = new URL(apiBaseUrl);
    if (url.origin !== base.origin) return null;
    const prefix = base.pathname.replace(/\/+$/, '');
    return url.pathname.startsWith(prefix) ? `${url.pathname.slice(prefix.length)}${url.search}` : null;
  } catch {
    return null;
  }
}
