import { queryDatabase } from '@vouchsafe/test-support';
import { expect, test } from './support/browser-checks';
import { commentsOf, newTicket, notesOnPage, outage, waitForNotes } from './support/desks';
import { HEADINGS, WITHDRAWN_MESSAGES } from './support/portal-text';
import { DESK_PAGE } from './support/sidebar-text';
import { expectMaskedNotes, isSentNote, openTicket, sendTextSecret } from './support/sidebar-flow';

// Issue 12, driven by the desk's own webhooks (the Zendesk tenant's policy is `commentRedaction: redact`,
// global-setup.ts, which also gives the tenant its webhook secret): a customer's comment with an IBAN reaches the
// stand-in, which sends Zendesk's signed comment_added webhook; Vouchsafe redacts the IBAN through the stand-in's
// comment redaction API and leaves a masked note. The agent then sends a one-time secret and solves the ticket: the
// status_changed webhook withdraws it. The Zendesk API is down while that happens, so the reconciliation sweep
// (every 2 s in e2e) cannot see the ticket's status, and the audit event names the webhook as the source.

const IBAN = 'DE89 3704 0044 0532 0130 00';
const REDACTED = '\u2587';
const isRedactionNote = (body: string) => body.startsWith('Vouchsafe · Secret in a comment REDACTED');
const isLifecycleNote = (body: string) => body.startsWith('Vouchsafe · Ticket closed');

test('Zendesk webhooks: a customer’s IBAN is redacted and noted, and solving the ticket withdraws its secret', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk', 'Refund to my account');
  await openTicket(page, ticket);
  const notice = page.getByRole('status').filter({ hasText: /webhook/i });

  // The customer writes an IBAN into the ticket; the desk tells Vouchsafe (signed comment_added webhook).
  await page.getByLabel(DESK_PAGE.zendeskCustomerComment, { exact: true }).fill(`Please send the refund to ${IBAN}, thank you.`);
  await page.getByRole('button', { name: DESK_PAGE.zendeskAddCustomerComment }).click();
  await expect(notice).toHaveText('Customer comment added. Webhook delivered to Vouchsafe (HTTP 202).');

  // Redacted at the desk (Zendesk shows ▇ for each character) and noted, masked, on the ticket.
  const notes = await waitForNotes(request, 'zendesk', ticket.id, (all) => all.some((n) => isRedactionNote(n.body)));
  const customerComment = (await commentsOf(request, 'zendesk', ticket.id)).filter((c) => c.public).at(-1)!;
  expect(customerComment.body).toBe(`Please send the refund to ${REDACTED.repeat(IBAN.length)}, thank you.`);
  const note = notes.find((n) => isRedactionNote(n.body))!;
  expect(note.body).toContain(`Redacted an IBAN (DE) ending 3000 from public comment ${customerComment.id}.`);
  expect(note.body).not.toContain('3704');
  await expect(page.getByRole('article', { name: DESK_PAGE.publicReply }).filter({ hasText: REDACTED.repeat(IBAN.length) })).toHaveCount(1);
  await expect(page.getByRole('article', { name: DESK_PAGE.publicReply }).filter({ hasText: '3704' })).toHaveCount(0);
  await expect(notesOnPage(page).filter({ hasText: 'ending 3000' })).toHaveCount(1);

  // The agent sends a one-time secret from the sidebar.
  const text = `Temporary password for ${ticket.displayId}: Hq3!zT8#vN ${Math.random().toString(36).slice(2, 8)}`;
  const link = await sendTextSecret(page, 'zendesk', text);
  await waitForNotes(request, 'zendesk', ticket.id, (all) => all.some(isSentNote));

  // Zendesk's API is down for 3 s: the sweep gets no ticket states (desk_unavailable), only the webhook can tell.
  await outage(request, 'zendesk', 3_000);
  await page.getByRole('button', { name: DESK_PAGE.zendeskSolve }).click();
  await expect(notice).toHaveText('Ticket solved. Webhook delivered to Vouchsafe (HTTP 202).');

  const customer = await browser.newContext();
  try {
    const portal = await customer.newPage();
    await portal.goto(link);
    await expect(portal.locator('main')).toHaveAttribute('data-state', 'withdrawn');
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.withdrawn);
    await expect(portal.getByText(WITHDRAWN_MESSAGES.ticket_closed)).toBeVisible();
  } finally {
    await customer.close();
  }

  // The lifecycle note arrives once the desk is back (the outbox retries); by then the sweep has run again and found
  // nothing left to do: the one summary event is the webhook's.
  const after = await waitForNotes(request, 'zendesk', ticket.id, (all) => all.some((n) => isLifecycleNote(n.body)));
  expect(after.find((n) => isLifecycleNote(n.body))!.body).toContain(
    '1 one-time link was withdrawn because the ticket was solved or closed.',
  );
  expectMaskedNotes(after, ticket, text, link);
  for (const n of after) expect(n.body).not.toContain(IBAN);
  const events = await queryDatabase<{ type: string; source: string }>(
    process.env.VOUCHSAFE_E2E_DATABASE_URL!,
    `SELECT type, data->>'source' AS source FROM audit_events
      WHERE type IN ('ticket.closed', 'secret.revoked') AND data->>'ticketId' = $1 ORDER BY seq`,
    [ticket.id],
  );
  expect(events).toEqual([
    { type: 'secret.revoked', source: 'webhook' },
    { type: 'ticket.closed', source: 'webhook' },
  ]);
});
