import { expect, test } from './support/browser-checks';
import { deskUrl, newTicket, notesOnPage, waitForNotes } from './support/desks';
import { HEADINGS, WITHDRAWN_MESSAGES } from './support/portal-text';
import { expectMaskedNotes, isSentNote, openTicket, sendTextSecret } from './support/sidebar-flow';

// Issue 12: a secret sent on a Zendesk ticket; the ticket is solved at the desk and no webhook arrives; the API's
// reconciliation sweep (every 2 s in e2e, VOUCHSAFE_LIFECYCLE_SWEEP_INTERVAL_MS) finds it, withdraws the secret and
// notes it on the ticket; the customer's link then says it was withdrawn, and why.

test('closing a Zendesk ticket withdraws its open secret: the sweep finds it and the customer’s link says so', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  const text = `Temporary password for ${ticket.displayId}: Xk4!pQ9#tW ${Math.random().toString(36).slice(2, 8)}`;
  await openTicket(page, ticket);
  const link = await sendTextSecret(page, 'zendesk', text);
  await waitForNotes(request, 'zendesk', ticket.id, (notes) => notes.some(isSentNote));

  const closed = await request.post(`${deskUrl()}/__control/tickets/zendesk/${ticket.id}/close`, { data: { status: 'solved' } });
  expect(closed.status()).toBe(204);

  const isLifecycleNote = (body: string) => body.startsWith('Vouchsafe · Ticket closed');
  const notes = await waitForNotes(request, 'zendesk', ticket.id, (all) => all.some((n) => isLifecycleNote(n.body)));
  const note = notes.find((n) => isLifecycleNote(n.body))!;
  expect(note.body).toContain('1 one-time link was withdrawn because the ticket was solved or closed.');
  expectMaskedNotes(notes, ticket, text, link);
  await expect(notesOnPage(page).filter({ hasText: 'Ticket closed' })).toHaveCount(1);

  const customer = await browser.newContext();
  try {
    const portal = await customer.newPage();
    await portal.goto(link);
    await expect(portal.locator('main')).toHaveAttribute('data-state', 'withdrawn');
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.withdrawn);
    await expect(portal.getByText(WITHDRAWN_MESSAGES.ticket_closed)).toBeVisible();
    await expect(portal.getByRole('button', { name: 'Reveal', exact: true })).toHaveCount(0);
  } finally {
    await customer.close();
  }
});
