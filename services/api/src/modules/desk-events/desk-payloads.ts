import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DeskEvent } from './desk-event.types';

/**
 * Each desk's webhook payload → DeskEvents (pure). Only what the handlers need is read; anything else in the body is
 * ignored, and an event type we do not handle gives no event (the delivery is still answered 2xx, so the desk does
 * not retry it). A body that is JSON but not the documented shape answers 400. Sources and what is UNCONFIRMED: NOTES.md.
 */

export class PayloadError extends Error {
  override name = 'PayloadError';
}

type Parsed = { events: DeskEvent[]; eventKey: string; occurredAt: Date | null };
const Id = z.union([z.string().min(1).max(200), z.number().int().nonnegative()]).transform(String);
const MAX_BODY = 200_000;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new PayloadError('the body is not the documented payload');
  return r.data;
}
const digest = (raw: Buffer) => `sha256:${createHash('sha256').update(raw).digest('hex')}`;
const date = (v: string | number | undefined, fallback: Date): Date => {
  const d = v === undefined ? fallback : new Date(v);
  return Number.isFinite(d.getTime()) ? d : fallback;
};

// --- Zendesk: webhook subscribed to Zendesk events (event subscription envelope, zendesk_event_version 2022-11-06).
const ZendeskEnvelope = z.object({
  id: z.string().min(1).max(200),
  type: z.string().max(200),
  subject: z.string().max(200),
  time: z.string().max(64).optional(),
  event: z.record(z.string(), z.unknown()).default({}),
});
const ZendeskComment = z.object({
  comment: z.object({
    id: Id,
    body: z.string().max(MAX_BODY),
    is_public: z.boolean().default(true),
    author: z.object({ is_staff: z.boolean().optional() }).partial().optional(),
  }),
});
const ZendeskStatus = z.object({ current: z.string().max(40) });
const ZendeskMerged = z.object({ target_ticket_id: Id.optional() }).partial();

export function parseZendesk(body: unknown, base: { tenantId: string }, now: Date): Parsed {
  const env = parse(ZendeskEnvelope, body);
  const ticket = /^zen:ticket:(\d{1,20})$/.exec(env.subject)?.[1];
  const occurredAt = date(env.time, now);
  const common = { tenantId: base.tenantId, desk: 'zendesk' as const, eventId: env.id, occurredAt };
  const out: Parsed = { events: [], eventKey: `zendesk:${env.id}`, occurredAt };
  if (!ticket) return out;
  switch (env.type) {
    case 'zen:event-type:ticket.comment_added': {
      const { comment } = parse(ZendeskComment, env.event);
      const author = comment.author?.is_staff === undefined ? 'unknown' : comment.author.is_staff ? 'agent' : 'end_user';
      out.events.push({
        ...common,
        kind: 'comment.created',
        ticketId: ticket,
        commentId: comment.id,
        body: comment.body,
        public: comment.is_public,
        author,
      });
      break;
    }
    case 'zen:event-type:ticket.status_changed': {
      const { current } = parse(ZendeskStatus, env.event);
      if (/^(solved|closed)$/i.test(current)) out.events.push({ ...common, kind: 'ticket.closed', ticketId: ticket, source: 'webhook' });
      break;
    }
    case 'zen:event-type:ticket.merged': {
      const merged = parse(ZendeskMerged, env.event);
      out.events.push({
        ...common,
        kind: 'ticket.merged',
        ticketId: ticket,
        source: 'webhook',
        ...(merged.target_ticket_id ? { survivingTicketId: merged.target_ticket_id } : {}),
      });
      break;
    }
    case 'zen:event-type:ticket.soft_deleted':
    case 'zen:event-type:ticket.permanently_deleted':
      out.events.push({ ...common, kind: 'ticket.deleted', ticketId: ticket, source: 'webhook' });
      break;
  }
  return out;
}

// --- Jira Cloud: admin webhook (System > WebHooks, or POST /rest/webhooks/1.0/webhook) registered with a secret.
const AdfNode: z.ZodType<{ type?: string; text?: string; content?: unknown[] }> = z
  .object({ type: z.string().optional(), text: z.string().optional(), content: z.array(z.unknown()).optional() })
  .passthrough();
/** Plain text of an ADF document (text nodes joined; paragraphs by newlines). */
export function adfText(node: unknown): string {
  const n = AdfNode.safeParse(node);
  if (!n.success) return '';
  const inner = (n.data.content ?? []).map(adfText).join(n.data.type === 'doc' ? '\n' : '');
  return (n.data.text ?? '') + inner;
}
const JiraEnvelope = z.object({
  timestamp: z.number().int().positive(),
  webhookEvent: z.string().max(100),
  issue: z.object({ key: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}-\d{1,12}$/) }).passthrough(),
  comment: z
    .object({
      id: Id,
      body: z.union([z.string().max(MAX_BODY), z.record(z.string(), z.unknown())]),
      jsdPublic: z.boolean().optional(),
      author: z
        .object({ accountId: z.string().max(200) })
        .partial()
        .optional(),
    })
    .passthrough()
    .optional(),
  changelog: z
    .object({ items: z.array(z.object({ field: z.string().max(100), toString: z.string().max(200).nullish() }).passthrough()).max(200) })
    .partial()
    .optional(),
});

export function parseJira(body: unknown, raw: Buffer, base: { tenantId: string }): Parsed {
  const env = parse(JiraEnvelope, body);
  const occurredAt = date(env.timestamp, new Date(0));
  const eventId = digest(raw);
  const common = { tenantId: base.tenantId, desk: 'jira' as const, eventId, occurredAt, ticketId: env.issue.key };
  // Jira sends no signed delivery id: the digest of the signed body is the replay key (a retry carries the same body).
  const out: Parsed = { events: [], eventKey: `jira:${eventId}`, occurredAt };
  switch (env.webhookEvent) {
    case 'comment_created': {
      if (!env.comment) throw new PayloadError('a comment event without a comment');
      const text = typeof env.comment.body === 'string' ? env.comment.body : adfText(env.comment.body);
      out.events.push({
        ...common,
        kind: 'comment.created',
        commentId: env.comment.id,
        body: text.slice(0, MAX_BODY),
        public: env.comment.jsdPublic ?? false,
        author: 'unknown',
      });
      break;
    }
    case 'jira:issue_deleted':
      out.events.push({ ...common, kind: 'ticket.deleted', source: 'webhook' });
      break;
    case 'jira:issue_updated': {
      const items = env.changelog?.items ?? [];
      const isClosed = items.some(
        (i) => (i.field === 'resolution' && i.toString) || (i.field === 'status' && /^(done|resolved|closed)$/i.test(i.toString ?? '')),
      );
      if (isClosed) out.events.push({ ...common, kind: 'ticket.closed', source: 'webhook' });
      break;
    }
  }
  return out;
}

// --- ServiceNow: our business rule's outbound REST message (docs/servicenow-webhook.md), one event per delivery.
const ServiceNowEvent = z.object({
  event_id: z.string().regex(/^[A-Za-z0-9:_-]{1,120}$/),
  type: z.enum(['comment.created', 'ticket.closed', 'ticket.deleted']),
  table: z.string().regex(/^[a-z][a-z0-9_]{0,79}$/),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/),
  occurred_at: z.string().max(64).optional(),
  comment: z
    .object({
      journal_id: z.string().regex(/^[0-9a-f]{32}$/),
      field: z.enum(['comments', 'work_notes']),
      value: z.string().max(MAX_BODY),
    })
    .optional(),
});

export function parseServiceNow(body: unknown, base: { tenantId: string }, now: Date): Parsed {
  const e = parse(ServiceNowEvent, body);
  const occurredAt = date(e.occurred_at, now);
  const common = {
    tenantId: base.tenantId,
    desk: 'servicenow' as const,
    eventId: e.event_id,
    occurredAt,
    ticketId: `${e.table}:${e.sys_id}`,
  };
  const out: Parsed = { events: [], eventKey: `servicenow:${e.event_id}`, occurredAt };
  if (e.type === 'comment.created') {
    if (!e.comment) throw new PayloadError('a comment event without a comment');
    out.events.push({
      ...common,
      kind: 'comment.created',
      commentId: e.comment.journal_id,
      body: e.comment.value,
      public: e.comment.field === 'comments',
      author: 'unknown',
    });
  } else {
    out.events.push({ ...common, kind: e.type, source: 'webhook' });
  }
  return out;
}
