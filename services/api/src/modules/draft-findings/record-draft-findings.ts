import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { detect, describeFinding, findingFacts, KINDS, type FindingKind } from '@vouchsafe/detector';
import type { DraftFindingsRequest, DraftFindingsResponse } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { isoUtc, jsonb } from '../../db/sql';
import { AppError } from '../../errors';
import { maskIdentifiers } from '../../lib/mask';
import { DRAFT_FINDINGS_NOTE_ACTION } from '../notes/draft-findings-note-text';
import type { SidebarSession } from '../sessions/session.types';

/** The audit event type (and note action) of a reply sent after a warning. */
export const DRAFT_FINDINGS_AUDIT_TYPE = DRAFT_FINDINGS_NOTE_ACTION;

const isKind = (kind: string): kind is FindingKind => (KINDS as readonly string[]).includes(kind);

/**
 * The desk's ticket id as the sidebar's context shows it: the session's own id, or for ServiceNow the sys_id part
 * of `table:sys_id` (SidebarContext.ticket.id).
 */
function isSessionTicket(session: SidebarSession, ticketId: string): boolean {
  return ticketId === session.ticketId || (session.desk === 'servicenow' && session.ticketId.endsWith(`:${ticketId}`));
}

export interface RecordDraftFindingsDeps {
  db: Db;
  /** Wakes the note dispatcher after commit. */
  onNoteQueued: () => void;
}

/**
 * Issue 12: the agent sends a reply the sidebar held, with a reason. Records, in ONE statement, an audit event
 * (kinds, counts, the reason, who, which ticket) and the outbox row of the masked internal note (the findings'
 * masked facts and the reason). The reply's text never reaches the API. See NOTES.md.
 */
export async function recordDraftFindings(
  deps: RecordDraftFindingsDeps,
  session: SidebarSession,
  body: DraftFindingsRequest,
): Promise<DraftFindingsResponse> {
  // Another ticket's reply is not this session's business: answer as for an unknown ticket (S5).
  if (!isSessionTicket(session, body.ticketId)) throw new AppError('not_found', 'There is no such ticket for this sidebar.');
  const unknown = body.findings.find((f) => !isKind(f.kind));
  if (unknown) throw new AppError('validation_failed', 'The findings name a kind the detector does not report.');
  // The reason is stored and shown in the ticket: it must not carry what the warning was about.
  const inReason = detect(body.reason);
  if (inReason.length > 0) {
    throw new AppError(
      'validation_failed',
      `The reason itself contains ${describeFinding(findingFacts(inReason[0]!))}. Say why without it.`,
    );
  }
  const reason = maskIdentifiers(body.reason.replace(/\s+/g, ' ').trim()).slice(0, 500);
  const findings = body.findings.map((f) => ({ kind: f.kind, tail: f.tail, country: f.country }));
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  const agent = maskIdentifiers(session.agentLabel);
  const eventId = randomUUID();
  const data = {
    desk: session.desk,
    ticketId: session.ticketId,
    agentId: session.agentId,
    agent,
    counts,
    reason,
  };
  await sql`
    WITH e AS (
      INSERT INTO audit_events (id, tenant_id, type, secret_id, data)
      VALUES (${eventId}::uuid, ${session.tenantId}, ${DRAFT_FINDINGS_AUDIT_TYPE}, NULL, ${jsonb(data)})
      RETURNING id, occurred_at
    )
    INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
    SELECT ${session.tenantId}, ${session.ticketId}, NULL, e.id, ${DRAFT_FINDINGS_NOTE_ACTION},
           jsonb_build_object('agent', ${agent}::text, 'at', ${isoUtc(sql`e.occurred_at`)},
                              'findings', ${jsonb(findings)}, 'reason', ${reason}::text)
      FROM e`.execute(deps.db);
  deps.onNoteQueued();
  return { receipt: eventId, counts };
}
