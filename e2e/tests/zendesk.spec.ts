import { expect, test } from './support/browser-checks';
import { newTicket, sidebarOf } from './support/desks';
import { sendRevealAndNote } from './support/sidebar-flow';
import { SIDEBAR } from './support/sidebar-text';

// Zendesk: the real built sidebar, loaded by a signed-URL form POST into the iframe, talking ZAF to the stand-in
// agent page; the API verifies the signed URL, looks the ticket up through the Zendesk stand-in and writes notes.

test('an agent sends a secret from a Zendesk ticket; the customer reveals it once; the ticket gets masked notes', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk');
  await sendRevealAndNote({ page, browser, request }, ticket);
});

test('the Zendesk sidebar shows the ticket and requester the API looked up, masked', async ({ page, request }) => {
  const ticket = await newTicket(request, 'zendesk');
  await page.goto(ticket.page);
  const sidebar = sidebarOf(page);
  await expect(sidebar.getByLabel(SIDEBAR.textLabel)).toBeVisible({ timeout: 20_000 });
  await expect(sidebar.locator('body')).toContainText(ticket.displayId);
  await expect(sidebar.locator('body')).not.toContainText(ticket.requester.email!);
  // The app asked ZAF to resize its iframe.
  await expect.poll(() => page.locator('#sidebar').evaluate((f) => (f as HTMLIFrameElement).style.height)).not.toBe('');
});
