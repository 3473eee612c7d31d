import type { Page } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { deskUrl, newTicket, notesOf, outage, requestsTo, waitForNotes, type Desk, type StandInTicket } from './support/desks';
import {
  expectMaskedNotes,
  isPurgedNote,
  isSentNote,
  openTicket,
  revealAsCustomer,
  sendTextSecret,
  waitForSendForm,
} from './support/sidebar-flow';

// Notes survive a desk outage and lost replies: delivered after recovery, each exactly once.
// globalSetup gives the API a 250 ms note backoff (doubling, 12 attempts), so retries are quick but the
// 30-second outage is real.

const DESKS: Desk[] = ['zendesk', 'servicenow', 'jira'];
const OUTAGE_MS = 30_000;
const NOTE_WRITE: Record<Desk, { method: string; path: RegExp }> = {
  zendesk: { method: 'PUT', path: /^\/api\/v2\/tickets\/\d+\.json$/ },
  servicenow: { method: 'PATCH', path: /^\/api\/now\/table\/incident\/[0-9a-f]{32}$/ },
  jira: { method: 'POST', path: /^\/rest\/servicedeskapi\/request\/[A-Z]+-\d+\/comment$/ },
};

test('all three desks down for 30 s: every note arrives exactly once after they recover', async ({ browser, context, request }) => {
  test.setTimeout(180_000);
  const tickets: StandInTicket[] = [];
  const pages: Page[] = [];
  for (const desk of DESKS) {
    const ticket = await newTicket(request, desk);
    const page = await context.newPage();
    await openTicket(page, ticket);
    await waitForSendForm(page); // the session (and the ticket lookup) happen before the outage
    tickets.push(ticket);
    pages.push(page);
  }

  const started = Date.now();
  for (const desk of DESKS) await outage(request, desk, OUTAGE_MS);
  const texts = tickets.map((t) => `outage secret for ${t.displayId} k3Z!`);
  const links: string[] = [];
  for (const [i, ticket] of tickets.entries()) links.push(await sendTextSecret(pages[i]!, ticket.desk, texts[i]!));
  for (const [i, link] of links.entries()) await revealAsCustomer(browser, link, texts[i]!);

  // While the desks are down, nothing lands, but the API keeps trying.
  await expect.poll(async () => (await requestsTo(request, 'zendesk')).filter((r) => r.status === 503).length).toBeGreaterThan(1);
  if (Date.now() - started < OUTAGE_MS - 2_000) {
    for (const t of tickets) expect(await notesOf(request, t.desk, t.id)).toEqual([]);
  }

  for (const [i, t] of tickets.entries()) {
    const notes = await waitForNotes(request, t.desk, t.id, (n) => n.some(isSentNote) && n.some(isPurgedNote), OUTAGE_MS + 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(OUTAGE_MS - 1_000);
    expectMaskedNotes(notes, t, texts[i]!, links[i]!);
  }
  // Let any straggling retry happen, then count: exactly one of each per ticket.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (const t of tickets) {
    const notes = await notesOf(request, t.desk, t.id);
    expect(notes.filter(isSentNote), `${t.desk} sent notes`).toHaveLength(1);
    expect(notes.filter(isPurgedNote), `${t.desk} purged notes`).toHaveLength(1);
    expect(notes, `${t.desk} notes`).toHaveLength(2);
  }
});

for (const desk of DESKS) {
  test(`${desk}: a note whose reply was lost is not written twice`, async ({ page, browser, request }) => {
    const ticket = await newTicket(request, desk);
    await openTicket(page, ticket);
    await waitForSendForm(page);
    // The next note write is applied by the desk but its answer is lost (503): the retry must find it first.
    const drop = await request.post(`${deskUrl()}/__control/drop`, { data: { desk, n: 1 } });
    expect(drop.status()).toBe(204);
    const writesBefore = (await requestsTo(request, desk)).filter(
      (r) => r.method === NOTE_WRITE[desk].method && NOTE_WRITE[desk].path.test(r.path),
    ).length;

    const text = `lost reply secret ${desk} 9xQ`;
    const link = await sendTextSecret(page, desk, text);
    await waitForNotes(request, desk, ticket.id, (n) => n.some(isSentNote));
    await revealAsCustomer(browser, link, text);
    await waitForNotes(request, desk, ticket.id, (n) => n.some(isPurgedNote));
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const notes = await notesOf(request, desk, ticket.id);
    expect(notes.filter(isSentNote)).toHaveLength(1);
    expect(notes.filter(isPurgedNote)).toHaveLength(1);
    // The lost reply really happened: at least one write answered 503.
    const writes = (await requestsTo(request, desk)).filter(
      (r) => r.method === NOTE_WRITE[desk].method && NOTE_WRITE[desk].path.test(r.path),
    );
    expect(writes.slice(writesBefore).some((r) => r.status === 503)).toBe(true);
  });
}
