import { createDeskHttp, deskTime, field, idString, malformed, textOrNull } from '../desk-http';
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
 * ServiceNow Table API: records read with sysparm_fields, internal notes written to the
 * `work_notes` journal field with PATCH (docs/research 3.3). Journal fields read back empty in the
 * PATCH answer, so findNote searches sys_journal_field instead.
 * Ticket ids are `table:sys_id` (e.g. `incident:<32 hex>`).
 */

const TABLE = /^[a-z][a-z0-9_]{0,79}$/;
const SYS_ID = /^[0-9a-f]{32}$/;
const RECEIPT = /^[0-9a-f-]{36}$/;

function parseTicketId(ticketId: string): { table: string; sysId: string } | undefined {
  const i = ticketId.indexOf(':');
  const table = ticketId.slice(0, i);
  const sysId = ticketId.slice(i + 1);
  return i > 0 && TABLE.test(table) && SYS_ID.test(sysId) ? { table, sysId } : undefined;
}

/** A reference field is a plain sys_id with sysparm_exclude_reference_link=true, `{value, link}` without. */
const referenceId = (v: unknown): string | null => idString(v) ?? idString(field(v, 'value'));

/**
 * ServiceNow journal fields (work_notes, comments) are plain text, HTML-escaped when shown, except that
 * text between `[code]` and `[/code]` is rendered as HTML while `glide.ui.security.allow_codetag` is
 * true — its default (ServiceNow docs: "Render journal field entries as HTML", "Allow embedded HTML
 * code (instance security hardening)"). Square brackets in outside text become full-width look-alikes,
 * so no `[code]` tag, in any letter case or spacing, can be formed.
 */
export function escapeServiceNowNoteText(fragment: string): string {
  return fragment.replace(/\[/g, '\uff3b').replace(/\]/g, '\uff3d');
}

export function createServiceNowConnector(tenant: DeskTenant, opts: ConnectorOptions): HelpdeskConnector {
  const http = createDeskHttp(tenant, opts);

  function record(ticketId: string) {
    const parsed = parseTicketId(ticketId);
    if (!parsed) throw new HelpdeskError('rejected', 'ServiceNow ticket ids are table:sys_id');
    return parsed;
  }

  async function getPerson(op: string, sysId: string): Promise<HelpdeskPerson | undefined> {
    if (!SYS_ID.test(sysId)) return undefined;
    const q = 'sysparm_fields=sys_id,name,email,mobile_phone,phone&sysparm_exclude_reference_link=true';
    const body = await http.json(op, 'GET', `/api/now/table/sys_user/${sysId}?${q}`, { isMissingOk: true });
    if (body === undefined) return undefined;
    const user = field(body, 'result');
    const id = idString(field(user, 'sys_id'));
    if (!id) throw malformed(tenant, op);
    return {
      id,
      name: textOrNull(field(user, 'name')),
      email: textOrNull(field(user, 'email')),
      phone: textOrNull(field(user, 'mobile_phone')) ?? textOrNull(field(user, 'phone')),
    };
  }

  /** The first work note of the ticket whose text contains `receipt` (sys_journal_field), or undefined. */
  async function searchWorkNotes(ticketId: string, receipt: string, fields: string): Promise<Record<string, unknown> | undefined> {
    const { sysId } = record(ticketId);
    // The receipt goes into an encoded query: only a UUID may, so nothing can widen it.
    if (!RECEIPT.test(receipt)) throw new HelpdeskError('rejected', 'A note receipt is a UUID');
    const query = encodeURIComponent(`element_id=${sysId}^element=work_notes^valueLIKE${receipt}`);
    const body = await http.json(
      'search work notes',
      'GET',
      `/api/now/table/sys_journal_field?sysparm_query=${query}&sysparm_fields=${fields}&sysparm_limit=1`,
    );
    const result = field(body, 'result');
    if (!Array.isArray(result)) throw malformed(tenant, 'search work notes');
    const first: unknown = result[0];
    return first !== null && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
  }

  return {
    desk: 'servicenow',

    escapeNoteText: escapeServiceNowNoteText,

    async getTicket(ticketId): Promise<HelpdeskTicket | undefined> {
      const parsed = parseTicketId(ticketId);
      if (!parsed) return undefined;
      const q = 'sysparm_fields=sys_id,number,caller_id&sysparm_exclude_reference_link=true';
      const body = await http.json('read record', 'GET', `/api/now/table/${parsed.table}/${parsed.sysId}?${q}`, { isMissingOk: true });
      if (body === undefined) return undefined;
      const result = field(body, 'result');
      const sysId = idString(field(result, 'sys_id'));
      if (!sysId) throw malformed(tenant, 'read record');
      return {
        id: `${parsed.table}:${sysId}`,
        displayId: textOrNull(field(result, 'number')) ?? sysId,
        requesterId: referenceId(field(result, 'caller_id')),
      };
    },

    getRequester: (ticket) => (ticket.requesterId ? getPerson('read caller', ticket.requesterId) : Promise.resolve(undefined)),

    getAgent: (agentId) => getPerson('read agent', agentId),

    // sys_audit has one row per field change of an audited table (sys_user is audited by default): the newest
    // change of either phone field. Without such a row (auditing off, or never changed since creation) the
    // record's own last update is the best bound the instance gives.
    async phoneChangedAt(person) {
      if (!person.phone || !SYS_ID.test(person.id)) return null;
      const query = encodeURIComponent(
        `tablename=sys_user^documentkey=${person.id}^fieldnameINmobile_phone,phone^ORDERBYDESCsys_created_on`,
      );
      const audit = await http.json(
        'read phone history',
        'GET',
        `/api/now/table/sys_audit?sysparm_query=${query}&sysparm_fields=sys_created_on&sysparm_limit=1`,
      );
      const rows = field(audit, 'result');
      if (!Array.isArray(rows)) throw malformed(tenant, 'read phone history');
      if (rows.length > 0) return deskTime(field(rows[0], 'sys_created_on'));
      const body = await http.json('read caller', 'GET', `/api/now/table/sys_user/${person.id}?sysparm_fields=sys_updated_on`, {
        isMissingOk: true,
      });
      return deskTime(field(field(body, 'result'), 'sys_updated_on'));
    },

    async addInternalNote(ticketId, text) {
      const { table, sysId } = record(ticketId);
      await http.json('add work note', 'PATCH', `/api/now/table/${table}/${sysId}?sysparm_fields=sys_id`, { body: { work_notes: text } });
      // The journal entry's own sys_id is not in the answer.
      return { remoteId: null };
    },

    async addPublicReply(ticketId, text) {
      const { table, sysId } = record(ticketId);
      // `comments` is the customer-visible journal: the instance notifies the caller on record.
      await http.json('add customer comment', 'PATCH', `/api/now/table/${table}/${sysId}?sysparm_fields=sys_id`, {
        body: { comments: text },
      });
      return { remoteId: null };
    },

    // Issue 12: one Table API query per table, `sys_idIN<ids>` with sys_id,state,active. Done: `active=false` (any task
    // table: closed, cancelled) or, on incident, state 6 Resolved / 7 Closed / 8 Canceled (Resolved incidents stay
    // active until they close). A record missing from a 200 answer is deleted — or hidden from the integration user by
    // an ACL (the Table API does not tell them apart; UNCONFIRMED which). ServiceNow has no ticket merge.
    async ticketStates(ticketIds) {
      const byTable = new Map<string, string[]>();
      for (const id of ticketIds.slice(0, TICKET_STATES_BATCH)) {
        const parsed = parseTicketId(id);
        if (parsed) byTable.set(parsed.table, [...(byTable.get(parsed.table) ?? []), parsed.sysId]);
      }
      const states = new Map<string, DeskTicketState>();
      for (const [table, sysIds] of byTable) {
        const query = encodeURIComponent(`sys_idIN${sysIds.join(',')}`);
        const body = await http.json(
          'read record states',
          'GET',
          `/api/now/table/${table}?sysparm_query=${query}&sysparm_fields=sys_id,state,active&sysparm_limit=${sysIds.length}`,
        );
        const rows = field(body, 'result');
        if (!Array.isArray(rows)) throw malformed(tenant, 'read record states');
        for (const row of rows) {
          const sysId = idString(field(row, 'sys_id'));
          if (!sysId || !sysIds.includes(sysId)) continue;
          const isDone =
            String(field(row, 'active')) === 'false' || (table === 'incident' && ['6', '7', '8'].includes(String(field(row, 'state'))));
          states.set(`${table}:${sysId}`, { state: isDone ? 'closed' : 'open' });
        }
        for (const sysId of sysIds) if (!states.has(`${table}:${sysId}`)) states.set(`${table}:${sysId}`, { state: 'deleted' });
      }
      return states;
    },

    async findNote(ticketId, receipt) {
      return (await searchWorkNotes(ticketId, receipt, 'sys_id')) !== undefined;
    },

    // The PATCH that wrote the note does not answer the journal entry's sys_id (remoteId is always null here), so
    // the entry is found by its receipt. `value` is the journal text as stored (trimming by the instance UNCONFIRMED).
    async readNote(ticketId, receipt) {
      const found = await searchWorkNotes(ticketId, receipt, 'sys_id,value');
      if (!found || typeof found.value !== 'string') return undefined;
      return { remoteId: idString(found.sys_id), text: found.value };
    },

    // Issue 12: journal entries (sys_journal_field) are not editable through the Table API by default (the table's
    // ACLs allow create and read; changing an entry needs an admin and an ACL change on the instance, which we do not
    // ask banks to make). So ServiceNow is report-only: the note tells the agent which entry to remove by hand.
    redactComment() {
      return Promise.resolve('unsupported' as const);
    },
  };
}
