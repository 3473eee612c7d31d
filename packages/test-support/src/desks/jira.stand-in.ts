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

/** Jira platform error body (errorMessages); the servicedeskapi uses its own shape for missing requests. */
const jiraErrors = (message: string): unknown => ({ errorMessages: [message], errors: {} });
const ERRORS: DeskErrorBodies = {
  unauthorized: jiraErrors('Client must be authenticated to access this resource.'),
  notFound: jiraErrors('Not Found'),
  badRequest: (detail) => jiraErrors(detail),
  unavailable: jiraErrors('Service Unavailable'),
};
const REQUEST_NOT_FOUND = {
  errorMessage: 'The request could not be found or you do not have permission to view it.',
  i18nErrorMessage: { i18nKey: 'sd.request.error.not.found', parameters: [] },
};

/** Jira's DateDTO. */
function dateDto(date: Date): Record<string, unknown> {
  const jira = date.toISOString().replace('Z', '+0000');
  return { iso8601: jira.replace(/\.\d{3}/, ''), jira, friendly: date.toUTCString(), epochMillis: date.getTime() };
}

/** Jira Service Management + Jira platform stand-in: requests, request comments, users, and the Forge JWKS. */
export function createJiraRouter(ctx: DeskContext, keys: DeskKeys): Router {
  const account = DESK_ACCOUNTS.jira;
  const reply = createReply('jira', ctx, ERRORS);
  const state = ctx.state;
  const site = (): string => `${ctx.baseUrl() ?? ''}/jira`;

  const userDto = (p: DeskPerson): Record<string, unknown> => ({
    accountId: p.id,
    emailAddress: p.email,
    displayName: p.name,
    active: true,
    timeZone: 'Etc/UTC',
    _links: { self: `${site()}/rest/api/3/user?accountId=${p.id}` },
  });
  const commentDto = (t: DeskTicket, c: DeskComment): Record<string, unknown> => {
    const author = state.person('jira', c.authorId);
    return {
      _expands: ['attachment', 'renderedBody'],
      id: c.id,
      body: c.body,
      public: c.isPublic,
      author: author ? userDto(author) : null,
      created: dateDto(c.createdAt),
      _links: { self: `${site()}/rest/servicedeskapi/request/${t.issueId}/comment/${c.id}` },
    };
  };
  const findRequest = (req: Request, res: Response): DeskTicket | undefined => {
    const ticket = state.ticket('jira', String(req.params.key));
    if (!ticket) res.status(404).json(REQUEST_NOT_FOUND);
    return ticket;
  };
  /** JSM booleans in the query: absent → default; anything but 'false' counts as true. */
  const flag = (req: Request, name: string): boolean => queryParam(req, name) !== 'false';

  return createDeskRouter('jira', ctx, ERRORS, {
    authorized: (req) => isAuthorized(req, [`${account.email}:${account.apiToken}`], [account.oauthToken]),
    open(router) {
      router.get('/.well-known/jwks.json', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=300').json(keys.jwks);
      });
    },
    mount(router) {
      router.get('/rest/servicedeskapi/request/:key', (req, res) => {
        const ticket = findRequest(req, res);
        if (!ticket) return;
        const reporter = state.person('jira', ticket.requesterId);
        reply(req, res, 200, {
          _expands: ['participant', 'status', 'sla', 'requestType', 'serviceDesk', 'attachment', 'action', 'comment'],
          issueId: ticket.issueId,
          issueKey: ticket.id,
          requestTypeId: '10',
          serviceDeskId: '1',
          createdDate: dateDto(ticket.createdAt),
          reporter: reporter ? userDto(reporter) : null,
          requestFieldValues: [{ fieldId: 'summary', label: 'Summary', value: ticket.subject }],
          // Issue 12: a resolved / closed request is in the status category DONE.
          currentStatus:
            ticket.status === 'solved' || ticket.status === 'closed'
              ? {
                  status: ticket.status === 'solved' ? 'Resolved' : 'Closed',
                  statusCategory: 'DONE',
                  statusDate: dateDto(ticket.createdAt),
                }
              : { status: 'Waiting for support', statusCategory: 'NEW', statusDate: dateDto(ticket.createdAt) },
          _links: {
            jiraRest: `${site()}/rest/api/2/issue/${ticket.issueId}`,
            web: `${site()}/servicedesk/customer/portal/1/${ticket.id}`,
            self: `${site()}/rest/servicedeskapi/request/${ticket.issueId}`,
          },
        });
      });
      router.get('/rest/servicedeskapi/request/:key/comment', (req, res) => {
        const ticket = findRequest(req, res);
        if (!ticket) return;
        const isPublicWanted = flag(req, 'public');
        const isInternalWanted = flag(req, 'internal');
        const all = ticket.comments.filter((c) => (c.isPublic ? isPublicWanted : isInternalWanted));
        const start = Math.max(0, Number.parseInt(queryParam(req, 'start') ?? '0', 10) || 0);
        const limit = Math.min(100, Math.max(1, Number.parseInt(queryParam(req, 'limit') ?? '50', 10) || 50));
        const values = all.slice(start, start + limit).map((c) => commentDto(ticket, c));
        reply(req, res, 200, {
          _expands: [],
          size: values.length,
          start,
          limit,
          isLastPage: start + limit >= all.length,
          _links: { base: site(), context: '', self: `${site()}/rest/servicedeskapi/request/${ticket.issueId}/comment` },
          values,
        });
      });
      router.post('/rest/servicedeskapi/request/:key/comment', (req, res) => {
        const ticket = findRequest(req, res);
        if (!ticket) return;
        const body: unknown = req.body;
        if (!isPlainObject(body) || typeof body.body !== 'string' || body.body.trim() === '') {
          res.status(400).json({
            errorMessage: 'The comment body must not be empty.',
            i18nErrorMessage: { i18nKey: 'sd.comment.error.empty', parameters: [] },
          });
          return;
        }
        // JSM makes a comment public unless told otherwise.
        const stored = state.addComment(ticket, body.body, body.public !== false, state.jira.apiUser.id);
        reply(req, res, 201, commentDto(ticket, stored));
      });
      // Jira platform REST v2 (JSM's servicedeskapi cannot change a comment): update and delete a comment by id.
      const platformComment = (req: Request, res: Response): { ticket: DeskTicket; comment: DeskComment } | undefined => {
        const ticket = state.ticket('jira', String(req.params.key));
        const comment = ticket?.comments.find((c) => c.id === String(req.params.commentId));
        if (!ticket || !comment) {
          res.status(404).json(jiraErrors('Can not find a comment for the id.'));
          return undefined;
        }
        return { ticket, comment };
      };
      router.put('/rest/api/2/issue/:key/comment/:commentId', (req, res) => {
        const found = platformComment(req, res);
        if (!found) return;
        const body: unknown = req.body;
        if (!isPlainObject(body) || typeof body.body !== 'string' || body.body.trim() === '') {
          res.status(400).json(jiraErrors('Comment body can not be empty!'));
          return;
        }
        found.comment.body = body.body;
        const author = state.person('jira', found.comment.authorId);
        reply(req, res, 200, {
          self: `${site()}/rest/api/2/issue/${found.ticket.issueId}/comment/${found.comment.id}`,
          id: found.comment.id,
          author: author ? userDto(author) : null,
          body: found.comment.body,
          created: found.comment.createdAt.toISOString().replace('Z', '+0000'),
          updated: new Date().toISOString().replace('Z', '+0000'),
          jsdPublic: found.comment.isPublic,
        });
      });
      // Jira platform REST v3 (issue 12): a comment's body is an Atlassian Document Format document. The stand-in keeps
      // plain text, one paragraph per line; a PUT must send a `doc` (version 1) of paragraphs and text nodes.
      const toAdf = (text: string) => ({
        type: 'doc',
        version: 1,
        content: text.split('\n').map((line) => ({ type: 'paragraph', content: line ? [{ type: 'text', text: line }] : [] })),
      });
      const fromAdf = (doc: unknown): string | undefined => {
        if (!isPlainObject(doc) || doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content)) return undefined;
        const lines: string[] = [];
        for (const p of doc.content) {
          if (!isPlainObject(p) || p.type !== 'paragraph') return undefined;
          const parts = Array.isArray(p.content) ? p.content : [];
          if (!parts.every((t) => isPlainObject(t) && t.type === 'text' && typeof t.text === 'string')) return undefined;
          lines.push(parts.map((t) => String((t as { text: string }).text)).join(''));
        }
        return lines.join('\n');
      };
      const commentV3 = (found: { ticket: DeskTicket; comment: DeskComment }) => {
        const author = state.person('jira', found.comment.authorId);
        return {
          self: `${site()}/rest/api/3/issue/${found.ticket.issueId}/comment/${found.comment.id}`,
          id: found.comment.id,
          author: author ? userDto(author) : null,
          body: toAdf(found.comment.body),
          created: found.comment.createdAt.toISOString().replace('Z', '+0000'),
          updated: new Date().toISOString().replace('Z', '+0000'),
          jsdPublic: found.comment.isPublic,
        };
      };
      router.get('/rest/api/3/issue/:key/comment/:commentId', (req, res) => {
        const found = platformComment(req, res);
        if (found) reply(req, res, 200, commentV3(found));
      });
      router.put('/rest/api/3/issue/:key/comment/:commentId', (req, res) => {
        const found = platformComment(req, res);
        if (!found) return;
        const body: unknown = req.body;
        const text = isPlainObject(body) ? fromAdf(body.body) : undefined;
        if (text === undefined || text.trim() === '') {
          res.status(400).json(jiraErrors('Comment body is not valid!'));
          return;
        }
        found.comment.body = text;
        reply(req, res, 200, commentV3(found));
      });
      router.delete('/rest/api/2/issue/:key/comment/:commentId', (req, res) => {
        const found = platformComment(req, res);
        if (!found) return;
        state.deleteComment('jira', found.comment.id);
        reply(req, res, 204, undefined);
      });
      router.get('/rest/api/3/user', (req, res) => {
        const id = queryParam(req, 'accountId');
        if (!id) {
          res.status(400).json(jiraErrors('The accountId query parameter needs to be provided.'));
          return;
        }
        const person = state.person('jira', id);
        if (!person) res.status(404).json(jiraErrors('Specified user does not exist or you do not have required permissions'));
        else
          reply(req, res, 200, { self: `${site()}/rest/api/3/user?accountId=${person.id}`, accountType: 'atlassian', ...userDto(person) });
      });
    },
  });
}
