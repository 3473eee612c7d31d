import { randomUUID } from 'node:crypto';
import { DESKS, type Desk } from '@vouchsafe/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../src/helpdesks';
import { parseNote, renderParsedNote } from '../src/modules/notes/note-text';
import { createTenantsService } from '../src/modules/tenants/tenants.service';
import { ACTIVE_MARKUP, HOSTILE_NAMES, LINK_LIKE } from './note-markup';
import { eventually, notesOn, openSidebar, send, startSidebarWorld, type SidebarWorld } from './sidebar-support';
import { createOutbound } from '../src/lib/outbound';

const outbound = createOutbound({ isHttpAllowed: true, isAnyAddressAllowed: true, allow: [] });

/**
 * Names and labels that come from the desk or an agent go into internal notes escaped for that desk's
 * note format (issue 8, item 11): asserted on what each desk stand-in stored.
 */

let w: SidebarWorld;
beforeAll(async () => {
  w = await startSidebarWorld();
});
afterAll(async () => {
  await w?.close();
});

const ACCOUNTS: Record<Desk, () => string> = {
  zendesk: () => 'acme',
  servicenow: () => 'acme',
  jira: () => w.desks.tenants().jira.cloudId,
};

/** The outside-text part of a stored note line or ` · `-separated fact (`Agent: …`), or undefined when it is missing. */
const fragment = (body: string, label: string) =>
  body
    .split('\n')
    .flatMap((l) => l.split(' · '))
    .find((l) => l.startsWith(`${label}: `))
    ?.slice(label.length + 2);

function expectInert(desk: Desk, text: string | undefined) {
  expect(text, 'line missing').toBeTruthy();
  expect(ACTIVE_MARKUP[desk](text!), `${desk} stored: ${text}`).toBeUndefined();
  expect(text).not.toMatch(LINK_LIKE);
}

describe.each(DESKS)('%s', (desk) => {
  it('a hostile agent name and secret label land in the "sent" note as plain text', async () => {
    const agent = w.desks.state[desk].agents[0]!;
    const original = agent.name;
    try {
      for (const [i, name] of HOSTILE_NAMES.entries()) {
        agent.name = name;
        w.desks.state.addTicket(desk, { requester: { name: HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length]!, email: 'r@customer.test' } });
        const a = await openSidebar(w, desk, w.desks.state[desk].tickets.length - 1);
        const label = HOSTILE_NAMES[(i + 3) % HOSTILE_NAMES.length]!;
        const s = await send(w, a, { kind: 'text', text: 'x' }, { label });
        const body = await eventually(() => {
          const found = notesOn(w, a).find((n) => n.includes(s.fingerprint));
          expect(found).toBeDefined();
          return found!;
        });
        expectInert(desk, fragment(body, 'Agent'));
        expectInert(desk, fragment(body, 'Label'));
        // Still readable: the words survive, only their markup is gone.
        expect(fragment(body, 'Label')).toMatch(/code|color|click|evil|pixel|script|html/);
      }
    } finally {
      agent.name = original;
    }
  });

  it('a hostile requester, agent, approver and override reason in a verification note reach the desk inert', async () => {
    const tenants = createTenantsService({ db: w.t.db, keyring: w.t.keyring, outbound });
    const tenant = await tenants.loadDeskTenant({ desk, account: ACCOUNTS[desk]() });
    const connector = createConnector(tenant!, { timeoutMs: 2_000, outbound });
    const ticket = w.desks.state.addTicket(desk);
    const at = new Date().toISOString();
    for (const name of HOSTILE_NAMES) {
      const parsed = parseNote('verification.override_approved', {
        agent: name,
        at,
        method: 'okta_push',
        purpose: 'caller',
        binding: 'number_challenge',
        idpRef: 'v2mst0001',
        startedAt: at,
        result: 'overridden',
        reason: name,
        isFraudSuspected: false,
        requester: name,
        validUntil: at,
        approver: name,
        overrideReason: name,
      });
      const receipt = randomUUID();
      await connector.addInternalNote(ticket.ticketId, renderParsedNote(parsed!, receipt, connector.escapeNoteText));
      const stored = w.desks.state.notes(desk, ticket.id).find((n) => n.body.includes(receipt))!.body;
      for (const line of ['Requester on record', 'Requested by', 'Approved by', 'Override reason'])
        expectInert(desk, fragment(stored, line));
      expectInert(desk, fragment(stored, 'Result')!.replace(/^overridden — /, ''));
      // The receipt stays exactly as findNote looks for it.
      expect(stored).toContain(`Receipt: ${receipt}`);
      expect(await connector.findNote(ticket.ticketId, receipt)).toBe(true);
    }
  });
});
