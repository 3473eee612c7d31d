import type { Request, Response, Router } from 'express';
import { DESK_ACCOUNTS } from './desk.accounts';
import type { DeskKeys } from './desk.keys';
import {
  createDeskRouter,
  createReply,
  isAuthorized,
  isPlainObject,
  queryParam,
  type DeskContext,
  type DeskErrorBodies,
} from './desk.http';
import type { DeskComment, DeskPerson, DeskTicket } from './desk.types';

/** Zendesk's error bodies (Support API). */
const ERRORS: DeskErrorBodies = {
  unauthorized: { error: "Couldn't authenticate you" },
  notFound: { error: 'RecordNotFound', description: 'Not found' },
  badRequest: (detail) => ({ error: 'InvalidValue', description: detail }),
  unavailable: { error: 'ServiceUnavailable', description: 'Zendesk is temporarily unavailable. Try again later.' },
};

/** Zendesk timestamps: ISO 8601 without milliseconds. */
const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Zendesk REST API v2 stand-in: tickets, users, ticket comments (notes via PUT /tickets/{id}.json), the app key. */
export function createZendeskRouter(ctx: DeskContext, keys: DeskKeys): Router {
  const account = DESK_ACCOUNTS.zendesk;
  const reply = createReply('zendesk', ctx, ERRORS);
  const self = (path: string): string => `${ctx.baseUrl() ?? ''}/zendesk/api/v2${path}`;

  const renderTicket = (t: DeskTicket): Record<string, unknown> => ({
    url: self(`/tickets/${t.id}.json`),
    id: Number(t.id),
    subject: t.subject,
    raw_subject: t.subject,
    description: t.comments[0]?.body ?? '',
    status: t.status ?? 'open',
    // Issue 12: Zendesk closes a merged source ticket and tags it `closed_by_merge` (seen in real accounts' tag lists;
    // not in the API reference — UNCONFIRMED as a contract). The surviving id is only in the merge comment / audits.
    tags: t.mergedInto ? ['closed_by_merge'] : [],
    requester_id: Number(t.requesterId),
    submitter_id: Number(t.requesterId),
    assignee_id: null,
    created_at: iso(t.createdAt),
    updated_at: iso(t.comments.at(-1)?.createdAt ?? t.createdAt),
  });
  const renderUser = (p: DeskPerson): Record<string, unknown> => ({
    url: self(`/users/${p.id}.json`),
    id: Number(p.id),
    name: p.name,
    email: p.email,
    phone: p.phone,
    role: ctx.state.zendesk.requesters.includes(p) ? 'end-user' : 'agent',
    active: true,
  });
  const renderComment = (c: DeskComment): Record<string, unknown> => ({
    id: Number(c.id),
    type: 'Comment',
    author_id: Number(c.authorId),
    body: c.body,
    html_body: `<div class="zd-comment"><p>${c.body.replace(/[<>&]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</p></div>`,
    plain_body: c.body,
    public: c.isPublic,
    attachments: [],
    created_at: iso(c.createdAt),
  });
  const findTicket = (req: Request, res: Response): DeskTicket | undefined => {
    const ticket = /^\d+$/.test(String(req.params.id)) ? ctx.state.ticket('zendesk', String(req.params.id)) : undefined;
    if (!ticket) res.status(404).json(ERRORS.notFound);
    return ticket;
  };

  return createDeskRouter('zendesk', ctx, ERRORS, {
    authorized: (req) => isAuthorized(req, [`${account.email}/token:${account.apiToken}`], [account.oauthToken]),
    mount(router) {
      // Show Many Tickets (issue 12): `ids` is a comma list of at most 100 ids; tickets that do not exist (or were
      // deleted) are simply absent from `tickets`.
      router.get('/api/v2/tickets/show_many.json', (req, res) => {
        const ids = (queryParam(req, 'ids') ?? '').split(',').filter(Boolean);
        if (ids.length === 0 || ids.length > 100 || !ids.every((id) => /^\d+$/.test(id))) {
          res.status(400).json(ERRORS.badRequest('ids: a comma-separated list of 1 to 100 ticket ids'));
          return;
        }
        const tickets = ids.map((id) => ctx.state.ticket('zendesk', id)).filter((t): t is DeskTicket => t !== undefined);
        reply(req, res, 200, { tickets: tickets.map(renderTicket), next_page: null, previous_page: null, count: tickets.length });
      });
      router.get('/api/v2/tickets/:id.json', (req, res) => {
        const ticket = findTicket(req, res);
        if (ticket) reply(req, res, 200, { ticket: renderTicket(ticket) });
      });
      router.get('/api/v2/tickets/:id/comments.json', (req, res) => {
        const ticket = findTicket(req, res);
        if (!ticket) return;
        // Offset pagination as Zendesk answers it: page/per_page (max 100), sort_order, absolute next_page URLs.
        const perPage = Math.min(100, Math.max(1, Number.parseInt(queryParam(req, 'per_page') ?? '100', 10) || 100));
        const page = Math.max(1, Number.parseInt(queryParam(req, 'page') ?? '1', 10) || 1);
        const sortOrder = queryParam(req, 'sort_order') === 'desc' ? 'desc' : 'asc';
        const ordered = sortOrder === 'desc' ? [...ticket.comments].reverse() : ticket.comments;
        const pageUrl = (n: number): string =>
          `${self(`/tickets/${ticket.id}/comments.json`)}?page=${n}&per_page=${perPage}&sort_order=${sortOrder}`;
        reply(req, res, 200, {
          comments: ordered.slice((page - 1) * perPage, page * perPage).map(renderComment),
          next_page: page * perPage < ordered.length ? pageUrl(page + 1) : null,
          previous_page: page > 1 ? pageUrl(page - 1) : null,
          count: ordered.length,
        });
      });
      router.put('/api/v2/tickets/:id.json', (req, res) => {
        const ticket = findTicket(req, res);
        if (!ticket) return;
        const body: unknown = req.body;
        if (!isPlainObject(body) || !isPlainObject(body.ticket)) {
          res.status(400).json({ error: 'ParameterMissing', description: 'param is missing or the value is empty: ticket' });
          return;
        }
        // Zendesk: a closed ticket cannot be updated any more (issue 12; the exact error body is UNCONFIRMED).
        if (ticket.status === 'closed') {
          res.status(422).json({
            error: 'RecordInvalid',
            description: 'Record validation errors',
            details: { status: [{ description: 'Status: closed prevents ticket update' }] },
          });
          return;
        }
        const comment = body.ticket.comment;
        if (comment === undefined) {
          reply(req, res, 200, { ticket: renderTicket(ticket), audit: { id: 0, ticket_id: Number(ticket.id), events: [] } });
          return;
        }
        const text = isPlainObject(comment) ? (comment.body ?? comment.html_body) : undefined;
        if (typeof text !== 'string' || text.trim() === '') {
          res.status(422).json({
            error: 'RecordInvalid',
            description: 'Record validation errors',
            details: { base: [{ description: 'Comment: cannot be blank', error: 'BlankValue' }] },
          });
          return;
        }
        // Zendesk makes a comment public unless told otherwise.
        const isPublic = isPlainObject(comment) && comment.public === false ? false : true;
        const stored = ctx.state.addComment(ticket, text, isPublic, ctx.state.zendesk.apiUser.id);
        const auditId = Number(stored.id) + 1_000_000_000;
        reply(req, res, 200, {
          ticket: renderTicket(ticket),
          audit: {
            id: auditId,
            ticket_id: Number(ticket.id),
            created_at: iso(stored.createdAt),
            author_id: Number(stored.authorId),
            events: [{ ...renderComment(stored), audit_id: auditId }],
          },
        });
      });
      // Redact String in Comment: the only way to change a comment's text through the Support API; each occurrence
      // of `text` becomes ▇ characters (Zendesk Ticket Comments API). Answers the comment.
      router.put(['/api/v2/tickets/:id/comments/:commentId/redact', '/api/v2/tickets/:id/comments/:commentId/redact.json'], (req, res) => {
        const ticket = findTicket(req, res);
        if (!ticket) return;
        const comment = ticket.comments.find((c) => c.id === String(req.params.commentId));
        const body: unknown = req.body;
        if (!comment) {
          res.status(404).json(ERRORS.notFound);
          return;
        }
        if (!isPlainObject(body) || typeof body.text !== 'string' || body.text === '') {
          res.status(400).json({ error: 'ParameterMissing', description: 'param is missing or the value is empty: text' });
          return;
        }
        const text = body.text;
        comment.body = comment.body.split(text).join('\u2587'.repeat([...text].length));
        reply(req, res, 200, { comment: renderComment(comment) });
      });
      // Redact Ticket Comment In Agent Workspace (issue 12): PUT /api/v2/comment_redactions/{ticket_comment_id} with
      // {ticket_id, html_body}: the comment's html_body with the text to remove wrapped in <redact> tags; each redacted
      // character becomes ▇ (Zendesk Ticket Comments API). Strict: the html without the tags must be the comment's
      // current html_body (how Zendesk answers a mismatch is UNCONFIRMED; here 422).
      router.put(['/api/v2/comment_redactions/:commentId', '/api/v2/comment_redactions/:commentId.json'], (req, res) => {
        const body: unknown = req.body;
        if (!isPlainObject(body) || typeof body.html_body !== 'string' || typeof body.ticket_id !== 'number') {
          res.status(400).json({ error: 'ParameterMissing', description: 'param is missing or the value is empty: html_body, ticket_id' });
          return;
        }
        const ticket = ctx.state.ticket('zendesk', String(body.ticket_id));
        const comment = ticket?.comments.find((c) => c.id === String(req.params.commentId));
        if (!ticket || !comment) {
          res.status(404).json(ERRORS.notFound);
          return;
        }
        const html = body.html_body;
        if (html.replace(/<\/?redact>/g, '') !== renderComment(comment).html_body || !html.includes('<redact>')) {
          res.status(422).json({ error: 'RecordInvalid', description: 'html_body does not match the comment' });
          return;
        }
        const decode = (t: string) => t.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
        const redactedHtml = html.replace(/<redact>([^<]*)<\/redact>/g, (_m, inner: string) => '\u2587'.repeat([...decode(inner)].length));
        comment.body = decode(redactedHtml.replace(/<[^>]*>/g, ''));
        reply(req, res, 200, { comment: renderComment(comment) });
      });
      // Delete Ticket: 204; the ticket (and its comments) no longer answer.
      router.delete('/api/v2/tickets/:id.json', (req, res) => {
        const ticket = findTicket(req, res);
        if (!ticket) return;
        ctx.state.deleteTicket('zendesk', ticket.id);
        reply(req, res, 204, undefined);
      });
      // Send Notification to App (issue 16): {app_id, event, body, agent_id?} as Zendesk's example app sends it
      // (github.com/zendesk/app-notification-send-receive); delivered to the app's instances as
      // `api_notification.<event>`. The 204 answer is UNCONFIRMED (the example ignores the answer).
      router.post('/api/v2/apps/notify.json', (req, res) => {
        const b = (req.body ?? {}) as Record<string, unknown>;
        const appId = typeof b.app_id === 'number' ? b.app_id : Number.NaN;
        const agentId = b.agent_id === undefined ? null : typeof b.agent_id === 'number' ? String(b.agent_id) : undefined;
        if (String(appId) !== account.appId) return void res.status(404).json(ERRORS.notFound);
        if (
          typeof b.event !== 'string' ||
          !/^[\w.-]{1,64}$/.test(b.event) ||
          agentId === undefined ||
          typeof b.body !== 'object' ||
          b.body === null
        ) {
          return void res.status(400).json(ERRORS.badRequest('app_id (number), event, body (object) and an optional agent_id (number)'));
        }
        ctx.state.appNotifications.push({ seq: ctx.state.appNotifications.length + 1, appId, event: b.event, body: b.body, agentId });
        reply(req, res, 204, undefined);
      });
      // The signed-URL key is per app, fetched with the account's credentials (research §1.3).
      router.get('/api/v2/apps/:appId/public_key.pem', (req, res) => {
        if (req.params.appId !== account.appId) res.status(404).json(ERRORS.notFound);
        else res.type('application/x-pem-file').send(keys.zendeskPublicKeyPem);
      });
      // User identities (Users API): the email and phone number a user can be reached at, with their times.
      router.get('/api/v2/users/:id/identities.json', (req, res) => {
        const person = /^\d+$/.test(String(req.params.id)) ? ctx.state.person('zendesk', String(req.params.id)) : undefined;
        if (!person) {
          res.status(404).json(ERRORS.notFound);
          return;
        }
        const identity = (n: number, type: string, value: string, at: Date) => ({
          url: self(`/users/${person.id}/identities/${Number(person.id) * 10 + n}.json`),
          id: Number(person.id) * 10 + n,
          user_id: Number(person.id),
          type,
          value,
          verified: true,
          primary: true,
          created_at: iso(at),
          updated_at: iso(at),
        });
        const identities = [
          ...(person.email ? [{ ...identity(1, 'email', person.email, person.updatedAt), deliverable_state: 'deliverable' }] : []),
          ...(person.phone && person.isPhoneAudited !== false ? [identity(2, 'phone_number', person.phone, person.phoneSetAt)] : []),
        ];
        reply(req, res, 200, { identities, next_page: null, previous_page: null, count: identities.length });
      });
      router.get('/api/v2/users/:id.json', (req, res) => {
        const person = /^\d+$/.test(String(req.params.id)) ? ctx.state.person('zendesk', String(req.params.id)) : undefined;
        if (!person) res.status(404).json(ERRORS.notFound);
        else reply(req, res, 200, { user: renderUser(person) });
      });
    },
  });
}
