import type { Request, Response, Router } from 'express';
import { DESK_ACCOUNTS } from './desk.accounts';
import {
  createDeskRouter,
  createReply,
  isAuthorized,
  isPlainObject,
  queryParam,
  type DeskContext,
  type DeskErrorBodies,
} from './desk.http';
import type { DeskPerson, DeskTicket } from './desk.types';
import { parseEncodedQuery, QuerySyntaxError, runQuery, type Row } from './servicenow.query';

const failure = (message: string, detail: string | null): unknown => ({ error: { message, detail }, status: 'failure' });

/** ServiceNow Table API error bodies. */
const ERRORS: DeskErrorBodies = {
  unauthorized: failure('User Not Authenticated', 'Required to provide Auth information'),
  notFound: failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval"),
  badRequest: (detail) => failure('Exception while reading request', detail),
  unavailable: failure('Service Unavailable', 'The instance is unavailable'),
};

/** Reference fields and the table they point to. */
const REFERENCES: Record<string, string> = { caller_id: 'sys_user', opened_by: 'sys_user' };
/** Journal fields: written through PATCH, stored in sys_journal_field, always read back empty. */
const JOURNAL_FIELDS = ['work_notes', 'comments'] as const;
const TABLE_PATHS = (suffix: string): string[] => [`/api/now/table/${suffix}`, `/api/now/v1/table/${suffix}`];

/** ServiceNow's display format for glide_date_time, UTC. */
const glideTime = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/** ServiceNow Table API stand-in: ticket tables (incident, …), sys_user, sys_journal_field and sys_audit (read only). */
export function createServiceNowRouter(ctx: DeskContext): Router {
  const account = DESK_ACCOUNTS.servicenow;
  const reply = createReply('servicenow', ctx, ERRORS);
  const state = ctx.state;

  const userName = (p: DeskPerson): string =>
    p === state.servicenow.apiUser ? account.username : p.name.toLowerCase().replace(/\s+/g, '.');
  const userRow = (p: DeskPerson): Row => ({
    sys_id: p.id,
    name: p.name,
    user_name: userName(p),
    email: p.email ?? '',
    mobile_phone: p.phone ?? '',
    phone: '',
    active: 'true',
    sys_updated_on: glideTime(p.updatedAt),
  });
  /** sys_audit: one row per audited field change; the stand-in keeps the last change of each person's mobile_phone. */
  const auditRows = (): Row[] =>
    people()
      .filter((p) => p.isPhoneAudited !== false && p.phone !== null)
      .map((p) => ({
        sys_id: p.id.slice(0, 24) + 'a0d1a0d1',
        tablename: 'sys_user',
        documentkey: p.id,
        fieldname: 'mobile_phone',
        newvalue: p.phone ?? '',
        sys_created_on: glideTime(p.phoneSetAt),
      }));
  const ticketRow = (t: DeskTicket): Row => ({
    sys_id: t.id,
    number: t.displayId,
    short_description: t.subject,
    caller_id: t.requesterId,
    opened_by: t.requesterId,
    // Issue 12: incident states 2 In Progress, 6 Resolved (still active), 7 Closed (inactive).
    state: t.status === 'solved' ? '6' : t.status === 'closed' ? '7' : '2',
    active: t.status === 'closed' ? 'false' : 'true',
    sys_class_name: t.table,
    sys_created_on: glideTime(t.createdAt),
    sys_updated_on: glideTime(t.comments.at(-1)?.createdAt ?? t.createdAt),
    work_notes: '',
    comments: '',
  });
  const journalRows = (): Row[] =>
    state.servicenow.tickets.flatMap((t) =>
      t.comments.map((c) => {
        const author = state.person('servicenow', c.authorId);
        return {
          sys_id: c.id,
          element_id: t.id,
          element: c.isPublic ? 'comments' : 'work_notes',
          name: t.table,
          value: c.body,
          sys_created_on: glideTime(c.createdAt),
          sys_created_by: author ? userName(author) : 'system',
        };
      }),
    );
  const people = (): DeskPerson[] => [state.servicenow.apiUser, ...state.servicenow.agents, ...state.servicenow.requesters];
  const ticketTables = (): Set<string> => new Set(['incident', ...state.servicenow.tickets.map((t) => t.table)]);

  /** All rows of a table, or undefined when the table does not exist. */
  const rowsOf = (table: string): Row[] | undefined => {
    if (table === 'sys_user') return people().map(userRow);
    if (table === 'sys_journal_field') return journalRows();
    if (table === 'sys_audit') return auditRows();
    if (ticketTables().has(table)) return state.servicenow.tickets.filter((t) => t.table === table).map(ticketRow);
    return undefined;
  };

  /** Applies sysparm_fields, sysparm_exclude_reference_link and sysparm_display_value=true to one row. */
  const render = (req: Request, row: Row): Record<string, unknown> => {
    const fields = queryParam(req, 'sysparm_fields')
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const isExcludingLinks = queryParam(req, 'sysparm_exclude_reference_link') === 'true';
    const isDisplay = queryParam(req, 'sysparm_display_value') === 'true';
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(row)) {
      if (fields && !fields.includes(field)) continue;
      const target = REFERENCES[field];
      if (!target || value === '') out[field] = value;
      else if (isDisplay) out[field] = people().find((p) => p.id === value)?.name ?? '';
      else if (isExcludingLinks) out[field] = value;
      else out[field] = { link: `${ctx.baseUrl() ?? ''}/servicenow/api/now/table/${target}/${value}`, value };
    }
    return out;
  };

  const tableRows = (req: Request, res: Response): Row[] | undefined => {
    const table = String(req.params.table);
    const rows = rowsOf(table);
    if (!rows) res.status(400).json(failure(`Invalid table ${table}`, null));
    return rows;
  };

  return createDeskRouter('servicenow', ctx, ERRORS, {
    authorized: (req) => isAuthorized(req, [`${account.username}:${account.password}`], [account.oauthToken]),
    mount(router) {
      router.get(TABLE_PATHS(':table'), (req, res) => {
        const rows = tableRows(req, res);
        if (!rows) return;
        let selected: Row[];
        try {
          selected = runQuery(rows, parseEncodedQuery(queryParam(req, 'sysparm_query') ?? ''));
        } catch (error) {
          if (!(error instanceof QuerySyntaxError)) throw error;
          res.status(400).json(failure(error.message, null));
          return;
        }
        const offset = Math.max(0, Number.parseInt(queryParam(req, 'sysparm_offset') ?? '0', 10) || 0);
        const limit = Math.max(1, Number.parseInt(queryParam(req, 'sysparm_limit') ?? '10000', 10) || 10_000);
        res.set('X-Total-Count', String(selected.length));
        reply(req, res, 200, { result: selected.slice(offset, offset + limit).map((row) => render(req, row)) });
      });
      router.get(TABLE_PATHS(':table/:sysId'), (req, res) => {
        const row = tableRows(req, res)?.find((r) => r.sys_id === req.params.sysId);
        if (row) reply(req, res, 200, { result: render(req, row) });
        else if (!res.headersSent) res.status(404).json(ERRORS.notFound);
      });
      const update = (req: Request, res: Response): void => {
        const table = String(req.params.table);
        if (!rowsOf(table)) {
          res.status(400).json(failure(`Invalid table ${table}`, null));
          return;
        }
        if (table === 'sys_journal_field') {
          updateJournal(req, res);
          return;
        }
        if (!ticketTables().has(table)) {
          res.status(403).json(failure('Operation Failed', 'ACL Exception Update Failed due to security constraints'));
          return;
        }
        const ticket = state.servicenow.tickets.find((t) => t.table === table && t.id === req.params.sysId);
        if (!ticket) {
          res.status(404).json(ERRORS.notFound);
          return;
        }
        const body: unknown = req.body;
        if (!isPlainObject(body)) {
          res.status(400).json(ERRORS.badRequest('The payload is not a JSON object.'));
          return;
        }
        if (typeof body.short_description === 'string') ticket.subject = body.short_description;
        for (const field of JOURNAL_FIELDS) {
          const value = body[field];
          if (typeof value === 'string' && value.trim() !== '') {
            state.addComment(ticket, value, field === 'comments', state.servicenow.apiUser.id);
          }
        }
        reply(req, res, 200, { result: render(req, ticketRow(ticket)) });
      };
      // An admin edits or deletes a journal entry (sys_journal_field is an ordinary table to the Table API; whether a
      // given instance's ACLs allow it is UNCONFIRMED). The stand-in lets the integration user do both.
      const updateJournal = (req: Request, res: Response): void => {
        const found = state.findComment('servicenow', String(req.params.sysId));
        const body: unknown = req.body;
        if (!found) {
          res.status(404).json(ERRORS.notFound);
          return;
        }
        if (!isPlainObject(body)) {
          res.status(400).json(ERRORS.badRequest('The payload is not a JSON object.'));
          return;
        }
        if (typeof body.value === 'string') found.comment.body = body.value;
        const row = journalRows().find((r) => r.sys_id === found.comment.id)!;
        reply(req, res, 200, { result: render(req, row) });
      };
      router.delete(TABLE_PATHS(':table/:sysId'), (req, res) => {
        if (String(req.params.table) !== 'sys_journal_field') {
          res.status(403).json(failure('Operation Failed', 'ACL Exception Delete Failed due to security constraints'));
          return;
        }
        if (state.deleteComment('servicenow', String(req.params.sysId))) reply(req, res, 204, undefined);
        else res.status(404).json(ERRORS.notFound);
      });
      router.patch(TABLE_PATHS(':table/:sysId'), update);
      router.put(TABLE_PATHS(':table/:sysId'), update);
    },
  });
}
