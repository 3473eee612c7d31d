import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, api } from './harness';
import { openAs, openEvents, startPeerApp, startVerifyWorld, type VerifyWorld } from './verification-support';

/**
 * Live verification streams (SSE) end with their tenant — in every API process, not only the one that
 * removed it (Postgres NOTIFY) — and with their session (issue 8, item 12e).
 */

let w: VerifyWorld;
beforeAll(async () => {
  w = await startVerifyWorld();
});
afterAll(async () => {
  await w?.close();
});

/** Resolves true when the stream ended within `ms`, false when it was still open. */
const endsWithin = (done: Promise<void>, ms: number) =>
  Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('live streams', () => {
  it('end when their session expires', async () => {
    // A process that mints 3-second sessions, so expiry is observable.
    const peer = await startPeerApp(w, { sessionTtlSeconds: 3 });
    try {
      const ticket = w.desks.state.addTicket('zendesk').ticketId;
      const a = await openAs(w, ticket, 0, peer.url);
      const opened = Date.now();
      const stream = await openEvents(peer.url, a);
      expect(stream.status).toBe(200);
      expect(await endsWithin(stream.done, 6_000)).toBe(true);
      // Not before the session's end (3 s from when it was minted, minus what opening took).
      expect(Date.now() - opened).toBeGreaterThan(1_500);
      expect(peer.live.subscriberCount).toBe(0);
    } finally {
      await peer.close();
    }
  });

  it("end in every API process when their tenant is removed (NOTIFY), and other tenants' streams stay", async () => {
    const peer = await startPeerApp(w);
    try {
      const ticket = w.desks.state.addTicket('zendesk').ticketId;
      const here = await openEvents(w.t.url, await openAs(w, ticket));
      const there = await openEvents(peer.url, await openAs(w, ticket, 0, peer.url));
      // A ServiceNow agent's stream on the same process: another tenant, untouched.
      const sn = w.desks.state.servicenow.tickets[0]!;
      const token = await w.desks.mint.servicenow({ sysId: sn.id, agentSysId: w.desks.state.servicenow.agents[0]!.id });
      const snSession = await api(w.t.url, 'POST', '/api/v1/sessions/servicenow', { token, table: sn.table, sysId: sn.id });
      expect(snSession.status).toBe(200);
      const other = await openEvents(w.t.url, { desk: 'servicenow', ticketId: sn.ticketId, agentId: '', session: snSession.json.session });
      expect([here.status, there.status, other.status]).toEqual([200, 200, 200]);
      await new Promise((r) => setTimeout(r, 100)); // all subscribed
      expect(w.live.subscriberCount).toBe(2);
      expect(peer.live.subscriberCount).toBe(1);
      const removed = await api(w.t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk', undefined, { authorization: `Bearer ${TOKEN}` });
      expect(removed.status).toBe(204);
      const [a, b] = await Promise.all([endsWithin(here.done, 1_000), endsWithin(there.done, 1_000)]);
      expect({ here: a, there: b }).toEqual({ here: true, there: true });
      expect(await endsWithin(other.done, 200)).toBe(false);
      expect(w.live.subscriberCount).toBe(1);
      expect(peer.live.subscriberCount).toBe(0);
      other.close();
    } finally {
      await peer.close();
    }
  });

  it('end after a LISTEN reconnect when the removal was NOTIFYed while the connection was down', async () => {
    const sn = w.desks.state.servicenow.tickets[1]!;
    const token = await w.desks.mint.servicenow({ sysId: sn.id, agentSysId: w.desks.state.servicenow.agents[0]!.id });
    const opened = await api(w.t.url, 'POST', '/api/v1/sessions/servicenow', { token, table: sn.table, sysId: sn.id });
    const stream = await openEvents(w.t.url, { desk: 'servicenow', ticketId: sn.ticketId, agentId: '', session: opened.json.session });
    expect(stream.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    // Cut the hub's LISTEN connection, then remove the tenant before it reconnects (≥ 100 ms backoff): the NOTIFY is lost.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vouchsafe-api-live' AND datname = current_database()`.execute(
      w.t.db,
    );
    const removed = await api(w.t.url, 'DELETE', '/api/v1/admin/tenants/acme-servicenow', undefined, { authorization: `Bearer ${TOKEN}` });
    expect(removed.status).toBe(204);
    expect(await endsWithin(stream.done, 2_000)).toBe(true);
  });
});
