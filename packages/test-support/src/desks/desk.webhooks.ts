import { createHash, createHmac, randomBytes } from 'node:crypto';
import { DESK_ACCOUNTS } from './desk.accounts';
import type { DeskState } from './desk.state';
import type { Desk, DeskComment } from './desk.types';

/**
 * Issue 12: the desks' webhooks as each desk sends them, signed with each desk's documented scheme (sources in
 * services/api/src/modules/desk-events/NOTES.md):
 * - Zendesk (webhook subscribed to Zendesk events): `x-zendesk-webhook-signature` = base64(HMAC-SHA256(secret,
 *   timestamp + body)), `x-zendesk-webhook-signature-timestamp` (ISO 8601), plus the account, webhook and invocation
 *   id headers; the body is the event envelope (`type` zen:event-type:…, `id`, `subject` zen:ticket:<id>, `event`).
 * - Jira Cloud admin webhook with a secret: `x-hub-signature: sha256=<hex HMAC-SHA256(secret, body)>`,
 *   `x-atlassian-webhook-identifier`; the body carries `timestamp` (ms), `webhookEvent`, `issue`, `comment`.
 * - ServiceNow has no signing of its own: what the business rule in docs/servicenow-webhook.md sends —
 *   `x-vouchsafe-timestamp` (Unix seconds), `x-vouchsafe-signature` = base64(HMAC-SHA256(secret, ts + "." + body)).
 * A delivery is built once and can be sent again unchanged (a desk retry, or a replay).
 */

export interface WebhookTarget {
  /** The receiver URL (`…/api/v1/desk-events/<desk>/<tenant slug>`). */
  url: string;
  secret: string;
}

export interface WebhookDelivery {
  desk: Desk;
  headers: Record<string, string>;
  body: string;
}

export interface SignOptions {
  /** When the desk signed it (default now): a stale delivery is one signed long ago. */
  at?: Date;
}

export type LifecycleKind = 'closed' | 'deleted' | 'merged';

const ulid = () => randomBytes(13).toString('hex').toUpperCase().slice(0, 26);
const hmac = (secret: string, ...parts: string[]) => {
  const mac = createHmac('sha256', secret);
  for (const p of parts) mac.update(p);
  return mac.digest();
};

function sign(desk: Desk, payload: Record<string, unknown>, secret: string, at: Date): WebhookDelivery {
  const body = JSON.stringify(payload);
  const base = { 'content-type': 'application/json' };
  switch (desk) {
    case 'zendesk': {
      const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        desk,
        body,
        headers: {
          ...base,
          'x-zendesk-account-id': '9242270',
          'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
          'x-zendesk-webhook-invocation-id': String(Math.floor(Math.random() * 1e10)),
          'x-zendesk-webhook-signature': hmac(secret, timestamp, body).toString('base64'),
          'x-zendesk-webhook-signature-timestamp': timestamp,
        },
      };
    }
    case 'jira':
      return {
        desk,
        body,
        headers: {
          ...base,
          'x-atlassian-webhook-identifier': String(Math.floor(Math.random() * 1e12)),
          'x-hub-signature': `sha256=${hmac(secret, body).toString('hex')}`,
        },
      };
    case 'servicenow': {
      const timestamp = String(Math.floor(at.getTime() / 1000));
      return {
        desk,
        body,
        headers: {
          ...base,
          'x-vouchsafe-timestamp': timestamp,
          'x-vouchsafe-signature': hmac(secret, timestamp, '.', body).toString('base64'),
        },
      };
    }
  }
}

export function createDeskWebhooks(state: DeskState) {
  function ticketOf(desk: Desk, ticketId: string) {
    // Vouchsafe's ticket id: Zendesk '101', ServiceNow 'incident:<sys_id>', Jira 'HELP-1'.
    const t = state.data(desk).tickets.find((x) => x.ticketId === ticketId || x.id === ticketId);
    if (!t) throw new Error(`no ${desk} ticket ${ticketId}`);
    return t;
  }

  function commentPayload(desk: Desk, ticketId: string, c: DeskComment, at: Date): Record<string, unknown> {
    const t = ticketOf(desk, ticketId);
    const author = state.person(desk, c.authorId);
    const isStaff = !state.data(desk).requesters.some((r) => r.id === c.authorId);
    switch (desk) {
      case 'zendesk':
        return {
          account_id: 9242270,
          detail: { id: t.id, subject: t.subject, requester_id: t.requesterId, status: 'OPEN', is_public: true },
          event: {
            comment: {
              id: c.id,
              body: c.body,
              is_public: c.isPublic,
              author: { id: c.authorId, is_staff: isStaff, name: author?.name ?? null },
            },
          },
          id: ulid(),
          subject: `zen:ticket:${t.id}`,
          time: at.toISOString(),
          type: 'zen:event-type:ticket.comment_added',
          zendesk_event_version: '2022-11-06',
        };
      case 'jira':
        return {
          timestamp: at.getTime(),
          webhookEvent: 'comment_created',
          comment: {
            self: `https://acme.atlassian.net/rest/api/2/issue/${t.issueId}/comment/${c.id}`,
            id: c.id,
            author: { accountId: c.authorId, displayName: author?.name ?? null },
            body: c.body,
            created: c.createdAt.toISOString().replace('Z', '+0000'),
            jsdPublic: c.isPublic,
          },
          issue: { id: t.issueId, key: t.id, fields: { project: { key: DESK_ACCOUNTS.jira.projectKey } } },
        };
      case 'servicenow':
        return {
          event_id: `${c.id}:comment`,
          type: 'comment.created',
          table: t.table,
          sys_id: t.id,
          occurred_at: at.toISOString(),
          comment: { journal_id: c.id, field: c.isPublic ? 'comments' : 'work_notes', value: c.body },
        };
    }
  }

  function lifecyclePayload(
    desk: Desk,
    ticketId: string,
    kind: LifecycleKind,
    at: Date,
    survivingTicketId?: string,
    status: 'solved' | 'closed' = 'solved',
  ): Record<string, unknown> {
    const t = ticketOf(desk, ticketId);
    switch (desk) {
      case 'zendesk': {
        const type =
          kind === 'closed'
            ? 'zen:event-type:ticket.status_changed'
            : kind === 'merged'
              ? 'zen:event-type:ticket.merged'
              : 'zen:event-type:ticket.soft_deleted';
        // `current` upper-case like the API's parser expects (SOLVED / CLOSED; the value casing is UNCONFIRMED).
        const event =
          kind === 'closed'
            ? { current: status.toUpperCase(), previous: 'OPEN' }
            : kind === 'merged'
              ? { target_ticket_id: survivingTicketId }
              : {};
        return {
          account_id: 9242270,
          detail: { id: t.id },
          event,
          id: ulid(),
          subject: `zen:ticket:${t.id}`,
          time: at.toISOString(),
          type,
          zendesk_event_version: '2022-11-06',
        };
      }
      case 'jira':
        return {
          timestamp: at.getTime(),
          webhookEvent: kind === 'deleted' ? 'jira:issue_deleted' : 'jira:issue_updated',
          issue: { id: t.issueId, key: t.id },
          ...(kind === 'closed'
            ? {
                changelog: {
                  items: [
                    { field: 'resolution', toString: 'Done' },
                    { field: 'status', toString: 'Done' },
                  ],
                },
              }
            : {}),
        };
      case 'servicenow':
        return {
          event_id: `${createHash('sha256').update(`${t.id}:${kind}:${at.getTime()}`).digest('hex').slice(0, 32)}:${kind}`,
          type: kind === 'deleted' ? 'ticket.deleted' : 'ticket.closed',
          table: t.table,
          sys_id: t.id,
          occurred_at: at.toISOString(),
        };
    }
  }

  /** Sends a delivery (again, unchanged, when given the same one) and answers the receiver's Response. */
  const send = (target: Pick<WebhookTarget, 'url'>, delivery: WebhookDelivery): Promise<Response> =>
    fetch(target.url, { method: 'POST', headers: delivery.headers, body: delivery.body });

  return {
    send,
    /** Signs any payload with the desk's scheme (tests of malformed or unusual bodies). */
    sign: (desk: Desk, payload: Record<string, unknown>, secret: string, opts: SignOptions = {}) =>
      sign(desk, payload, secret, opts.at ?? new Date()),
    /**
     * Adds a comment to the ticket as the desk would (a customer's by default), then delivers the desk's signed
     * "comment created" webhook for it. Answers the comment, the delivery (to send again) and the receiver's Response.
     */
    async emitCommentWebhook(
      desk: Desk,
      target: WebhookTarget,
      opts: { ticketId: string; body: string; isPublic?: boolean; authorId?: string } & SignOptions,
    ): Promise<{ comment: DeskComment; delivery: WebhookDelivery; response: Response }> {
      const ticket = ticketOf(desk, opts.ticketId);
      const comment = state.addComment(ticket, opts.body, opts.isPublic ?? true, opts.authorId ?? ticket.requesterId);
      const at = opts.at ?? new Date();
      const delivery = sign(desk, commentPayload(desk, opts.ticketId, comment, at), target.secret, at);
      return { comment, delivery, response: await send(target, delivery) };
    },
    /**
     * Delivers the desk's signed webhook for a ticket solved/closed (Zendesk: `status`, default solved), deleted or
     * merged (into `survivingTicketId`).
     */
    async emitLifecycleWebhook(
      desk: Desk,
      target: WebhookTarget,
      opts: { ticketId: string; kind: LifecycleKind; survivingTicketId?: string; status?: 'solved' | 'closed' } & SignOptions,
    ): Promise<{ delivery: WebhookDelivery; response: Response }> {
      const at = opts.at ?? new Date();
      const payload = lifecyclePayload(desk, opts.ticketId, opts.kind, at, opts.survivingTicketId, opts.status);
      const delivery = sign(desk, payload, target.secret, at);
      return { delivery, response: await send(target, delivery) };
    },
  };
}

export type DeskWebhooks = ReturnType<typeof createDeskWebhooks>;
