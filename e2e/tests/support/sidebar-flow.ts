import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { EXPIRY_PRESETS } from '@vouchsafe/contracts';
import { notesOnPage, notesOf, replyBox, sidebarOf, waitForNotes, type Desk, type StandInComment, type StandInTicket } from './desks';
import { HEADINGS } from './portal-text';
import { SIDEBAR } from './sidebar-text';

/** A secret link as the sidebar builds it: `<origin>[/t/<tenant>]/s/<22-char id>#<key>`. */
export const LINK = /https?:\/\/[^\s#]+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]+/;

const ONE_HOUR = EXPIRY_PRESETS.find((p) => p.seconds === 3600)!.label;

/** Opens the agent page and waits until the sidebar shows the send form (session started). */
export async function openTicket(page: Page, ticket: StandInTicket, query = ''): Promise<void> {
  await page.goto(`${ticket.page}${query}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(ticket.subject);
}

export async function waitForSendForm(page: Page): Promise<void> {
  await expect(sidebarOf(page).getByLabel(SIDEBAR.textLabel)).toBeVisible({ timeout: 20_000 });
}

/**
 * Fills and sends a text secret (1 hour, 1 view) from the sidebar. Returns the link: from the reply draft where
 * the desk lets the sidebar write into it (Zendesk, ServiceNow), else from the sidebar's link field (Jira).
 */
export async function sendTextSecret(page: Page, desk: Desk, text: string): Promise<string> {
  const sidebar = sidebarOf(page);
  await waitForSendForm(page);
  await sidebar.getByLabel(SIDEBAR.textLabel).fill(text);
  await sidebar.getByLabel(SIDEBAR.expiryLabel).selectOption({ label: ONE_HOUR });
  await sidebar.getByRole('button', { name: SIDEBAR.sendButton }).click();

  const field = sidebar.getByLabel(SIDEBAR.linkLabel);
  if (desk === 'jira') {
    await expect(sidebar.getByText(SIDEBAR.copyIntoReply)).toBeVisible();
    await expect(field).toHaveValue(LINK);
    return (await field.inputValue()).match(LINK)![0];
  }
  await expect(sidebar.getByText(SIDEBAR.insertedIntoReply)).toBeVisible();
  const reply = replyBox(page, desk);
  await expect(reply).toHaveValue(LINK);
  return (await reply.inputValue()).match(LINK)![0];
}

/** The customer, in a browser context of their own, opens the link and reveals the secret. */
export async function revealAsCustomer(browser: Browser, link: string, text: string): Promise<void> {
  const customer = await browser.newContext();
  try {
    const page = await customer.newPage();
    await page.goto(link);
    await expect(page.locator('main')).toHaveAttribute('data-state', 'ready');
    await page.getByRole('button', { name: 'Reveal', exact: true }).click();
    await expect(page.locator('main')).toHaveAttribute('data-state', 'revealed');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.revealedText);
    await expect(page.getByLabel('Secret', { exact: true })).toHaveValue(text);
  } finally {
    await customer.close();
  }
}

/** Opening the link again (a fresh context) finds nothing to reveal. */
export async function expectGone(browser: Browser, link: string): Promise<void> {
  const again = await browser.newContext();
  try {
    const page = await again.newPage();
    await page.goto(link);
    await expect(page.locator('main')).toHaveAttribute('data-state', 'gone');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.gone);
    await expect(page.getByRole('button', { name: 'Reveal', exact: true })).toHaveCount(0);
  } finally {
    await again.close();
  }
}

const headlineOf = (note: StandInComment): string => note.body.split('\n')[0] ?? '';
export const isSentNote = (n: StandInComment): boolean => headlineOf(n) === 'Vouchsafe · Secret sent';
export const isPurgedNote = (n: StandInComment): boolean => headlineOf(n) === 'Vouchsafe · Secret viewed and purged';

/** Nothing in the notes that must never be there: the content, the link or its key, full identifiers. */
export function expectMaskedNotes(notes: StandInComment[], ticket: StandInTicket, text: string, link: string): void {
  const key = new URL(link).hash.slice(1);
  for (const note of notes) {
    expect(note.body).not.toContain(text);
    expect(note.body).not.toContain(key);
    expect(note.body).not.toContain(link.split('#')[0]);
    if (ticket.requester.email) expect(note.body).not.toContain(ticket.requester.email);
    if (ticket.agent.email) expect(note.body).not.toContain(ticket.agent.email);
    if (ticket.requester.phone) expect(note.body).not.toContain(ticket.requester.phone);
    expect(note.body).toMatch(/^Receipt: [0-9a-f-]{36}$/m);
  }
}

/**
 * The whole round trip on one desk: the agent sends from the ticket, the customer reveals, the ticket gets
 * exactly one "sent" and one "viewed and purged" note (masked), and the link is dead afterwards.
 */
export async function sendRevealAndNote(
  deps: { page: Page; browser: Browser; request: APIRequestContext },
  ticket: StandInTicket,
): Promise<void> {
  const { page, browser, request } = deps;
  const text = `Temporary password for ${ticket.displayId}: Vq7!mR2#pL ${Math.random().toString(36).slice(2, 8)}`;
  await openTicket(page, ticket);
  const link = await sendTextSecret(page, ticket.desk, text);

  // The "sent" note reaches the desk, and the agent page shows it as an internal note.
  await waitForNotes(request, ticket.desk, ticket.id, (notes) => notes.some(isSentNote));
  await expect(notesOnPage(page).filter({ hasText: 'Secret sent' })).toHaveCount(1);

  await revealAsCustomer(browser, link, text);
  const notes = await waitForNotes(request, ticket.desk, ticket.id, (all) => all.some(isPurgedNote));
  await expect(notesOnPage(page).filter({ hasText: 'Secret viewed and purged' })).toHaveCount(1);
  expect(notes.filter(isSentNote)).toHaveLength(1);
  expect(notes.filter(isPurgedNote)).toHaveLength(1);
  expectMaskedNotes(notes, ticket, text, link);

  await expectGone(browser, link);
  // No further note for a refused reveal.
  expect((await notesOf(request, ticket.desk, ticket.id)).length).toBe(notes.length);
  // The sidebar's activity list shows the secret as viewed (it polls).
  await expect(sidebarOf(page).getByRole('list', { name: SIDEBAR.activityListName })).toContainText(SIDEBAR.status.viewed, {
    timeout: 15_000,
  });
}
