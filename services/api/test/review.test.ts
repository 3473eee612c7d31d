import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REVIEW_PATHS,
  ReviewSearchQuerySchema,
  ReviewSearchResultSchema,
  ReviewTimelineSchema,
  type ReviewEntry,
} from '@vouchsafe/contracts';
import { searchEventsQuery } from '../src/modules/review/review.repository';
import { SCOPED_TOKENS, api } from './harness';
import { SLUGS, customerReveal, eventually, openSidebar, send, startSidebarWorld, type SidebarWorld } from './sidebar-support';

/**
 * The reviewer query API (issue 9): tenants, search (filters, flags, keyset cursor), a ticket's timeline with each
 * note's receipt checked, 404 across tenants, 400 for a bad query, and every call audited as `review.*`.
 */

const AUDITOR = { authorization: `Bearer ${SCOPED_TOKENS.auditor}` };

let w: SidebarWorld;
let zendeskId: string;
beforeAll(async () => {
  w = await startSidebarWorld();
  zendeskId = (await w.t.db.selectFrom('tenants').select('id').where('slug', '=', SLUGS.zendesk).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await w?.close();
});

const get = (path: string, query: Record<string, string> = {}) => {
  const qs = new URLSearchParams(query).toString();
  return api(w.t.url, 'GET', qs ? `${path}?${qs}` : path, undefined, AUDITOR);
};

/** Verification events as the verification statements write them (their own tests cover how they come about). */
async function verificationEvent(ticketId: string, type: string, data: Record<string, unknown>): Promise<string> {
  const row = await w.t.db
    .insertInto('audit_events')
    .values({
      tenant_id: zendeskId,
      type,
      data: JSON.stringify({ ticketId, agentId: '9002', agent: 'Omar H.', method: 'okta_push', ...data }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('reviewer API', () => {
  it('lists every tenant a reviewer may look at', async () => {
    const res = await get(REVIEW_PATHS.tenants);
    expect(res.status).toBe(200);
    const slugs = (res.json as { slug: string; desk: string }[]).map((t) => t.slug);
    expect(slugs).toEqual(expect.arrayContaining(['default', SLUGS.zendesk, SLUGS.servicenow, SLUGS.jira]));
  });

  it('a ticket’s timeline: oldest first, reveals found through the secret, each note’s receipt checked', async () => {
    const a = await openSidebar(w, 'zendesk', 0);
    const s = await send(w, a);
    expect((await customerReveal(w, 'zendesk', s)).status).toBe(200);
    const denied = await verificationEvent(a.ticketId, 'verification.denied', { state: 'denied', isFraudSuspected: true });
    await eventually(async () => {
      const rows = await w.t.db.selectFrom('note_outbox').select('status').where('secret_id', '=', s.id).execute();
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    });
    const res = await get(REVIEW_PATHS.timeline(SLUGS.zendesk, a.ticketId));
    expect(res.status).toBe(200);
    const timeline = ReviewTimelineSchema.parse(res.json);
    const types = timeline.entries.map((e) => e.event.type);
    expect(types).toEqual(['secret.created', 'secret.revealed', 'verification.denied']);
    const byType = (t: string) => timeline.entries.find((e) => e.event.type === t)!;
    expect(byType('secret.created').note).toEqual({ status: 'matches' });
    expect(byType('secret.revealed')).toMatchObject({ note: { status: 'matches' }, ticketId: a.ticketId, kind: 'secret' });
    expect(byType('verification.denied')).toMatchObject({ note: null, flags: ['possible_fraud'], actor: 'Omar H.' });
    expect(byType('verification.denied').event.id).toBe(denied);

    // The same ticket id under another tenant, or an unknown one: 404.
    expect((await get(REVIEW_PATHS.timeline(SLUGS.servicenow, a.ticketId))).status).toBe(404);
    expect((await get(REVIEW_PATHS.timeline(SLUGS.zendesk, '999999'))).status).toBe(404);
    expect((await get(REVIEW_PATHS.timeline('nobody', a.ticketId))).status).toBe(404);
  });

  it('search: by ticket, agent, outcome, kind and flag; newest first; a keyset cursor pages without overlap', async () => {
    const ticket = '4242';
    const ids = [
      await verificationEvent(ticket, 'verification.started', { state: 'started' }),
      await verificationEvent(ticket, 'verification.denied', { state: 'denied', isFraudSuspected: true }),
      await verificationEvent(ticket, 'verification.override_requested', { state: 'denied' }),
      await verificationEvent(ticket, 'verification.override_approved', { state: 'overridden', agentId: '9001', agent: 'Jane D.' }),
    ];
    const search = async (query: Record<string, string>) => {
      const res = await get(REVIEW_PATHS.events(SLUGS.zendesk), query);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return ReviewSearchResultSchema.parse(res.json);
    };
    const idsOf = (items: ReviewEntry[]) => items.map((e) => e.event.id);

    expect(idsOf((await search({ ticket })).items)).toEqual([...ids].reverse());
    expect(idsOf((await search({ ticket, flag: 'override' })).items)).toEqual([ids[3], ids[2]]);
    expect(idsOf((await search({ ticket, flag: 'possible_fraud' })).items)).toEqual([ids[1]]);
    expect(idsOf((await search({ ticket, outcome: 'denied' })).items)).toEqual([ids[2], ids[1]]);
    expect(idsOf((await search({ ticket, kind: 'verification' })).items)).toEqual([ids[1], ids[0]]);
    expect(idsOf((await search({ ticket, agent: '9001' })).items)).toEqual([ids[3]]);
    expect(idsOf((await search({ ticket, agent: 'Omar H.' })).items)).toEqual([ids[2], ids[1], ids[0]]);
    expect((await search({ ticket, until: '2000-01-01T00:00:00Z' })).items).toEqual([]);

    const first = await search({ ticket, limit: '3' });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await search({ ticket, limit: '3', cursor: first.nextCursor! });
    expect(idsOf(second.items)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();

    // Another tenant sees none of it.
    const other = await get(REVIEW_PATHS.events(SLUGS.jira), { ticket });
    expect(other.json.items).toEqual([]);
  });

  it('a bad query answers 400 naming the parameter; the auditor scope is required', async () => {
    const bad: Record<string, string>[] = [
      { limit: '0' },
      { flag: 'urgent' },
      { from: 'yesterday' },
      { color: 'red' },
      { cursor: 'bm9wZQ' },
    ];
    for (const query of bad) {
      const res = await get(REVIEW_PATHS.events(SLUGS.zendesk), query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.json.error.code).toBe('bad_request');
    }
    const noScope = await api(w.t.url, 'GET', REVIEW_PATHS.tenants, undefined, { authorization: `Bearer ${SCOPED_TOKENS.secrets}` });
    expect(noScope.status).toBe(403);
  });

  it('every search and timeline view is audited in its tenant with the actor and the filters, identifiers masked', async () => {
    await get(REVIEW_PATHS.events(SLUGS.zendesk), { agent: 'priya.natarajan@customer.test', kind: 'secret' });
    const rows = await w.t.db
      .selectFrom('audit_events')
      .select(['type', 'data'])
      .where('tenant_id', '=', zendeskId)
      .where('type', 'like', 'review.%')
      .orderBy('seq')
      .execute();
    const searched = rows.filter((r) => r.type === 'review.searched').at(-1)!;
    expect(searched.data).toMatchObject({
      actor: 'api-token:only-auditor',
      query: { agent: 'p***@c***.test', kind: 'secret', limit: 100 },
    });
    expect(rows.some((r) => r.type === 'review.timeline_viewed' && r.data.actor === 'api-token:only-auditor')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('priya.natarajan');
  });

  it('the search statements use the reviewer indexes (20,000 events in one tenant, planner statistics fresh)', async () => {
    const jiraId = (await w.t.db.selectFrom('tenants').select('id').where('slug', '=', SLUGS.jira).executeTakeFirstOrThrow()).id;
    await sql`INSERT INTO audit_events (tenant_id, type, occurred_at, data)
              SELECT ${jiraId}, CASE WHEN i % 997 = 0 THEN 'verification.denied' ELSE 'secret.created' END,
                     now() - make_interval(secs => i),
                     jsonb_build_object('ticketId', 'HELP-' || (i % 2000), 'agentId', 'agent-' || (i % 50), 'agent', 'Agent ' || (i % 50),
                                        'isFraudSuspected', i % 997 = 0)
                FROM generate_series(1, 20000) AS i`.execute(w.t.db);
    await sql`ANALYZE audit_events`.execute(w.t.db);
    const plan = async (query: Record<string, string>) => {
      const compiled = searchEventsQuery(w.t.db, jiraId, ReviewSearchQuerySchema.parse(query), undefined).compile();
      const res = await w.t.db.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]),
      );
      return res.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    expect(await plan({ ticket: 'HELP-17' })).toContain('audit_events_ticket_idx');
    expect(await plan({ agent: 'agent-7', from: new Date(Date.now() - 3600_000).toISOString() })).toMatch(
      /audit_events_agent(_label)?_idx/,
    );
    expect(await plan({ flag: 'possible_fraud' })).toContain('audit_events_fraud_idx');
    expect(await plan({})).toContain('audit_events_tenant_time_idx');
    expect(await plan({})).not.toMatch(/Seq Scan on audit_events/);
  });
});
