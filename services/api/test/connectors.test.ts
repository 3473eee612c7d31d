import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '@vouchsafe/contracts';
import { DESK_ACCOUNTS, startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { HelpdeskError, createConnector, type DeskTenant } from '../src/helpdesks';
import { createOutbound } from '../src/lib/outbound';

/** Each connector against its desk stand-in over real HTTP: reads, internal notes, receipts, failures. */

let desks: StartedDeskStandIns;
// The stand-ins are plain http on 127.0.0.1: the development policy.
const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });
beforeAll(async () => {
  desks = await startDeskStandIns();
});
afterAll(async () => {
  await desks?.close();
});

function tenant(desk: Desk, credentials?: DeskTenant['credentials']): DeskTenant {
  const { zendesk, servicenow, jira } = DESK_ACCOUNTS;
  const defaults: Record<Desk, DeskTenant['credentials']> = {
    zendesk: { email: zendesk.email, apiToken: zendesk.apiToken },
    servicenow: { username: servicenow.username, password: servicenow.password },
    jira: { email: jira.email, apiToken: jira.apiToken },
  };
  return {
    id: '00000000-0000-4000-8000-00000000000a',
    slug: `acme-${desk}`,
    name: 'Acme',
    desk,
    account: 'acme',
    apiBaseUrl: `${desks.url}/${desk}`,
    verification: {},
    credentials: credentials ?? defaults[desk],
  };
}

const DESKS: Desk[] = ['zendesk', 'servicenow', 'jira'];
const missingId: Record<Desk, string> = { zendesk: '99999999', servicenow: `incident:${'0'.repeat(32)}`, jira: 'HELP-99999' };

/** No message may carry a URL, a credential, a ticket id or the note text. */
function expectCleanMessage(err: unknown, ...forbidden: string[]) {
  expect(err).toBeInstanceOf(HelpdeskError);
  const message = (err as Error).message;
  expect(message).not.toMatch(/https?:\/\//);
  for (const f of [...forbidden, desks.url, ...Object.values(DESK_ACCOUNTS).flatMap((a) => Object.values(a))]) {
    if (f.length >= 4) expect(message).not.toContain(f);
  }
}

describe.each(DESKS)('%s connector', (desk) => {
  const ticketOf = () => desks.state[desk].tickets[0]!;

  it('reads the ticket, its requester and an agent', async () => {
    const c = createConnector(tenant(desk), { timeoutMs: 2_000, outbound });
    const seeded = ticketOf();
    const ticket = await c.getTicket(seeded.ticketId);
    expect(ticket).toEqual({ id: seeded.ticketId, displayId: seeded.displayId, requesterId: seeded.requesterId });
    const requester = desks.state.person(desk, seeded.requesterId)!;
    expect(await c.getRequester(ticket!)).toEqual({
      id: requester.id,
      name: requester.name,
      email: requester.email,
      phone: requester.phone,
    });
    const agent = desks.state[desk].agents[0]!;
    expect(await c.getAgent(agent.id)).toMatchObject({ id: agent.id, name: agent.name });
    expect(await c.getTicket(missingId[desk])).toBeUndefined();
    expect(await c.getTicket('../../etc/passwd')).toBeUndefined();
  });

  it('adds an internal note and finds it by its receipt (and only it)', async () => {
    const c = createConnector(tenant(desk), { timeoutMs: 2_000, outbound });
    const ticketId = ticketOf().ticketId;
    const receipt = crypto.randomUUID();
    const before = desks.state.notes(desk, ticketId).length;
    expect(await c.findNote(ticketId, receipt)).toBe(false);
    await c.addInternalNote(ticketId, `Vouchsafe · test\nReceipt: ${receipt}`);
    const notes = desks.state.notes(desk, ticketId);
    expect(notes).toHaveLength(before + 1);
    expect(notes.at(-1)!.body).toContain(receipt);
    expect(notes.at(-1)!.isPublic).toBe(false);
    expect(await c.findNote(ticketId, receipt)).toBe(true);
    expect(await c.findNote(ticketId, crypto.randomUUID())).toBe(false);
  });

  it('maps wrong credentials to unauthorized, a missing ticket to not_found, without leaking anything', async () => {
    const bad =
      desk === 'servicenow'
        ? { username: 'vouchsafe.integration', password: 'wrong-password-1' }
        : { email: 'x@acme.test', apiToken: 'wrong-token-1' };
    const c = createConnector(tenant(desk, bad), { timeoutMs: 2_000, outbound });
    const ticketId = ticketOf().ticketId;
    const err = await c.addInternalNote(ticketId, 'NOTE-TEXT-CANARY').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unauthorized' });
    expectCleanMessage(err, ticketId, 'NOTE-TEXT-CANARY', 'wrong-password-1', 'wrong-token-1');
    const ok = createConnector(tenant(desk), { timeoutMs: 2_000, outbound });
    const missing = await ok.addInternalNote(missingId[desk], 'NOTE-TEXT-CANARY').catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not_found', retryable: false });
    expectCleanMessage(missing, missingId[desk], 'NOTE-TEXT-CANARY');
  });

  it.each(['status', 'destroy'] as const)('an outage (%s) is unavailable and retryable', async (mode) => {
    const c = createConnector(tenant(desk), { timeoutMs: 2_000, outbound });
    desks.outage(desk, 60_000, { mode });
    try {
      const err = await c.addInternalNote(ticketOf().ticketId, 'NOTE-TEXT-CANARY').catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'unavailable', retryable: true });
      expectCleanMessage(err, ticketOf().ticketId, 'NOTE-TEXT-CANARY');
      await expect(c.getTicket(ticketOf().ticketId)).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      desks.outage(desk, 0);
    }
  });
});

describe('timeouts', () => {
  let silent: http.Server;
  let url: string;
  beforeAll(async () => {
    silent = http.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it.each(DESKS)('%s: a desk that never answers is unavailable after the timeout', async (desk) => {
    const c = createConnector({ ...tenant(desk), apiBaseUrl: url }, { timeoutMs: 200, outbound });
    const started = Date.now();
    const ticketId = desk === 'zendesk' ? '42' : desk === 'servicenow' ? `incident:${'a'.repeat(32)}` : 'HELP-1';
    const err = await c.addInternalNote(ticketId, 'x').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect((err as Error).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
