import { readFile } from 'node:fs/promises';
import { OPERATOR_PATHS } from '@vouchsafe/contracts';
import { expect, test } from './support/browser-checks';
import { newTicket, waitForNotes } from './support/desks';
import { pickTenant, redactZendeskNote, signInToReview } from './support/review';
import { isSentNote, openTicket, sendTextSecret } from './support/sidebar-flow';

/**
 * The reviewer console at /review in real Chromium: sign-in through the bank's OIDC provider (the oidc-provider peer,
 * roles claim → auditor), search, a ticket's timeline with its note's receipt checked (✓), the same note edited in
 * the desk (✗ with why), CSV export of the view, sign-out. Needs the reviewer API (branch audit/receipts) mounted
 * behind auditorAccess; until it is merged, the search step answers 404 and this spec fails there.
 */

test('a reviewer signs in, finds a ticket, sees its note receipt checked, then failed after an edit in the desk, and exports CSV', async ({
  page,
  request,
}) => {
  // An agent sends a secret from a Zendesk ticket: its "sent" note is delivered to the desk.
  const ticket = await newTicket(request, 'zendesk', 'Reset my card PIN');
  await openTicket(page, ticket);
  await sendTextSecret(page, 'zendesk', `PIN reset code ${Math.random().toString(36).slice(2, 10)}`);
  const [note] = (await waitForNotes(request, 'zendesk', ticket.id, (notes) => notes.some(isSentNote))).filter(isSentNote);

  await signInToReview(page);
  await pickTenant(page, 'zendesk');
  await page.getByLabel('Ticket').fill(ticket.ticketId);
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.getByTestId('results');
  await expect(results.getByTestId('entry-row').filter({ hasText: 'secret.created' })).toHaveCount(1);

  // Keyboard: the ticket link opens the timeline, whose heading takes the focus.
  await results.getByRole('button', { name: ticket.ticketId }).first().focus();
  await page.keyboard.press('Enter');
  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByRole('heading', { name: `Ticket ${ticket.ticketId}: timeline` })).toBeFocused();
  const sent = timeline.getByTestId('entry-row').filter({ hasText: 'secret.created' });
  await expect(sent.getByTestId('receipt-check')).toHaveAttribute('data-tone', 'checked');
  await expect(sent.getByTestId('receipt-check')).toContainText('✓ Note matches');

  // A desk admin redacts part of the note in Zendesk: the receipt check now fails, saying why.
  await redactZendeskNote(request, ticket.id, note!.id, 'Secret sent');
  await timeline.getByRole('button', { name: 'Back to results' }).click();
  await results.getByRole('button', { name: ticket.ticketId }).first().click();
  await expect(sent.getByTestId('receipt-check')).toHaveAttribute('data-tone', 'failed');
  await expect(sent.getByTestId('receipt-check')).toContainText('✗ Note edited in the desk');

  // CSV of the timeline as shown.
  const [download] = await Promise.all([page.waitForEvent('download'), timeline.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^vouchsafe-.+-ticket-.+\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const [header, ...lines] = csv.trim().split('\r\n');
  expect(header).toBe('occurred_at,type,kind,ticket,actor,flags,receipt,receipt_check,chain_index,hash');
  expect(lines.find((l) => l.includes('secret.created'))).toContain('Note edited in the desk');
  // No unmasked identifier of the customer in the export.
  expect(csv).not.toContain(ticket.requester.email!);

  // Sign out: the session is gone for the API too.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect((await page.request.get(OPERATOR_PATHS.me)).status()).toBe(401);
});

test('the console refuses nobody silently: signed out it offers only sign-in, and the reviewer API answers 401', async ({ page }) => {
  await page.goto('/review/');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Tenant')).toHaveCount(0);
  expect((await page.request.get('/api/v1/audit/tenants')).status()).toBe(401);
});
