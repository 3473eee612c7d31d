import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { commentsOf, newTicket, sidebarOf, waitForNotes, type StandInTicket } from './support/desks';
import { DRAFT } from './support/draft-text';
import { LINK, openTicket, revealAsCustomer, waitForSendForm } from './support/sidebar-flow';
import { DESK_PAGE } from './support/sidebar-text';

// Issue 12, "Before it is sent": the Zendesk stand-in asks the app through ZAF's `ticket.save` hook before it saves
// (apps/demo-desk/public/zaf-parent.js, the protocol of Zendesk's SDK lib/client.js); the real built sidebar holds a
// reply with a card number, moves it into a one-time secret, and the customer's link reveals it. Then a reply sent
// anyway, with a reason, leaves a masked note.

const CARD = '4111 1111 1111 1111';
const WIDTH = 320;

async function submit(page: Page, expected: string): Promise<void> {
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.locator('#save-notice')).toHaveText(expected);
}

/** Public comments the agent saved (the ticket starts with the customer's). */
async function publicReplies(page: Page, ticket: StandInTicket): Promise<string[]> {
  return (await commentsOf(page.request, 'zendesk', ticket.id))
    .filter((c) => c.public && c.author === ticket.agent.name)
    .map((c) => c.body);
}

/** The held panel at the narrowest sidebar: nothing scrolls sideways; a screenshot for a person to look at. */
async function check320(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const sidebar = sidebarOf(page);
  const widths = await sidebar.locator('html').evaluate((html) => ({ scroll: html.scrollWidth, client: html.clientWidth }));
  expect(widths.client).toBe(WIDTH);
  expect(widths.scroll, `${state}: no horizontal overflow`).toBeLessThanOrEqual(widths.client);
  const shot = testInfo.outputPath(`save-hook-320-${state}.png`);
  await page.locator('#sidebar').screenshot({ path: shot });
  await testInfo.attach(`save-hook-320-${state}`, { path: shot, contentType: 'image/png' });
}

test('a reply with a card number is held at Submit; "send as secret" saves a link instead, which reveals the number; send anyway is audited', async ({
  page,
  browser,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 2000 });
  const ticket = await newTicket(page.request, 'zendesk');
  await openTicket(page, ticket);
  await page.locator('#sidebar').evaluate((frame, width) => {
    (frame as HTMLIFrameElement).style.width = `${width}px`;
  }, WIDTH);
  await waitForSendForm(page);
  const sidebar = sidebarOf(page);
  const reply = page.getByLabel(DESK_PAGE.zendeskReply, { exact: true });

  // 1. The agent types the card number into the reply and submits: Zendesk shows the app's message, nothing is saved.
  await reply.fill(`Hi Dana,\nyour card number: ${CARD}\nBest regards, Jane`);
  await submit(page, DRAFT.saveHeld);
  const held = sidebar.getByRole('alert').filter({ hasText: DRAFT.heading });
  await expect(held).toContainText('card number');
  await expect(held).toContainText('1111');
  await expect(held).not.toContainText('4111');
  await check320(page, testInfo, 'held');
  expect(await publicReplies(page, ticket)).toEqual([]);

  // 2. Send as a one-time secret instead: the line with the card becomes the link; the rest of the reply stays.
  await sidebar.getByRole('button', { name: DRAFT.moveToSecret }).click();
  await expect(sidebar.getByText(DRAFT.moved)).toBeVisible();
  await expect(reply).toHaveValue(LINK);
  const draft = await reply.inputValue();
  expect(draft).not.toContain('4111');
  expect(draft.split('\n')[0]).toBe('Hi Dana,');
  expect(draft.split('\n').at(-1)).toBe('Best regards, Jane');
  const link = draft.match(LINK)![0];

  // 3. Submit again: no second hold; the desk saved the reply with the link and without the number.
  await submit(page, 'Ticket updated.');
  const [saved] = await publicReplies(page, ticket);
  expect(saved).toBe(draft);

  // 4. The customer's link reveals the line with the number.
  await revealAsCustomer(browser, link, `your card number: ${CARD}`);

  // 5. Send anyway: a reason is required, and the save then goes through once; a masked note says so.
  await reply.fill('Your temporary password: Xk7#pq9!zR');
  await submit(page, DRAFT.saveHeld);
  await sidebar.getByRole('button', { name: DRAFT.sendAnyway }).click();
  await sidebar.getByRole('button', { name: DRAFT.recordAndAllow }).click();
  await expect(sidebar.getByText(DRAFT.reasonInvalid)).toBeVisible();
  await check320(page, testInfo, 'reason');
  await sidebar.getByRole('textbox', { name: DRAFT.reasonLabel }).fill('Customer cannot open links on this device');
  await sidebar.getByRole('button', { name: DRAFT.recordAndAllow }).click();
  await expect(sidebar.getByText(DRAFT.allowed)).toBeVisible();
  await submit(page, 'Ticket updated.');
  expect(await publicReplies(page, ticket)).toHaveLength(2);
  const notes = await waitForNotes(page.request, 'zendesk', ticket.id, (n) =>
    n.some((x) => x.body.startsWith('Vouchsafe · Reply sent after a warning')),
  );
  const note = notes.find((x) => x.body.startsWith('Vouchsafe · Reply sent after a warning'))!;
  expect(note.body).toContain('sent a reply containing a password after a warning: Customer cannot open links on this device');
  expect(note.body).not.toContain('Xk7#pq9!zR');
});
