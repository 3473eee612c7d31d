import type { FrameLocator, Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { newTicket, sidebarOf } from './support/desks';
import { openTicket, waitForSendForm } from './support/sidebar-flow';
import { SIDEBAR } from './support/sidebar-text';
import { VERIFY, enrol, expectView, oktaPushOn, openPhone, readOut, startMethod, verifySection } from './support/verify';

// Issue 16 item 17: the sidebar at the narrowest width a desk gives it (320 px). One journey through every send
// state and one through the verification states; in each, nothing scrolls sideways, and a screenshot is attached for
// a person to look at.

const WIDTH = 320;

async function narrow(page: Page): Promise<void> {
  await page.locator('#sidebar').evaluate((frame, width) => {
    (frame as HTMLIFrameElement).style.width = `${width}px`;
  }, WIDTH);
}

async function check(sidebar: FrameLocator, page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const widths = await sidebar.locator('html').evaluate((html) => ({ scroll: html.scrollWidth, client: html.clientWidth }));
  expect(widths.client, `${state}: the frame is ${WIDTH} px`).toBe(WIDTH);
  expect(widths.scroll, `${state}: no horizontal overflow`).toBeLessThanOrEqual(widths.client);
  const shot = testInfo.outputPath(`sidebar-320-${state}.png`);
  await page.locator('#sidebar').screenshot({ path: shot });
  await testInfo.attach(`sidebar-320-${state}`, { path: shot, contentType: 'image/png' });
}

/** Garden hides the native radio under its label: retry until the click has landed after a re-render. */
async function choose(sidebar: FrameLocator, name: string): Promise<void> {
  await expect(async () => {
    await sidebar.getByRole('radio', { name }).check({ force: true, timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
}

for (const desk of ['zendesk', 'servicenow'] as const) {
  test(`every send state of the ${desk} sidebar fits 320 px without horizontal overflow`, async ({ page, request }, testInfo) => {
    // Tall enough that the whole sidebar is on screen for the screenshots.
    await page.setViewportSize({ width: 1280, height: 2400 });
    const ticket = await newTicket(request, desk);
    await openTicket(page, ticket);
    await narrow(page);
    await waitForSendForm(page);
    const sidebar = sidebarOf(page);
    await check(sidebar, page, testInfo, 'form');

    await choose(sidebar, SIDEBAR.kindFile);
    await sidebar.getByLabel(SIDEBAR.fileLabel).setInputFiles({
      name: 'a-rather-long-file-name-for-a-narrow-sidebar-statement-2026.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 test'),
    });
    await expect(sidebar.getByText(/a-rather-long-file-name/)).toBeVisible();
    await check(sidebar, page, testInfo, 'file-chosen');

    await choose(sidebar, SIDEBAR.kindText);
    await sidebar.getByLabel(SIDEBAR.expiryLabel).selectOption({ label: SIDEBAR.expiryCustom });
    await sidebar.getByRole('spinbutton', { name: SIDEBAR.expiryCustomAmount }).fill('45');
    await expect(sidebar.getByText('The expiry must be at most 30 days.')).toBeVisible();
    await check(sidebar, page, testInfo, 'custom-expiry-error');
    await sidebar.getByRole('spinbutton', { name: SIDEBAR.expiryCustomAmount }).fill('3');

    await sidebar.getByLabel(SIDEBAR.textLabel).fill('   ');
    await sidebar.getByRole('button', { name: SIDEBAR.sendButton }).click();
    await expect(sidebar.getByText('The secret is only spaces or blank lines: type the secret to send.')).toBeVisible();
    await check(sidebar, page, testInfo, 'blank-refused');

    await sidebar.getByLabel(SIDEBAR.textLabel).fill('Winter-2026! a narrow secret');
    await sidebar.getByRole('button', { name: SIDEBAR.sendButton }).click();
    // The e2e run turns ServiceNow's reply insertion on (global-setup.ts), so both desks insert here.
    await expect(sidebar.getByText(SIDEBAR.insertedIntoReply)).toBeVisible();
    await expect(sidebar.getByText(SIDEBAR.linksInMemory)).toBeVisible();
    await check(sidebar, page, testInfo, 'sent');
  });
}

test('the Zendesk sidebar’s verification states fit 320 px: waiting with the number, ended with a reason, denied with the fraud flag', async ({
  page,
  context,
  request,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 2400 });
  const ticket = await newTicket(request, 'zendesk', 'Narrow sidebar verification');
  await enrol(request, ticket);
  await openTicket(page, ticket);
  await narrow(page);
  const sidebar = sidebarOf(page);
  await expect(verifySection(page).getByRole('button', { name: VERIFY.start })).toBeVisible({ timeout: 20_000 });
  await check(sidebar, page, testInfo, 'verify-choose');

  await startMethod(page, 'okta_push');
  await readOut(page);
  await check(sidebar, page, testInfo, 'verify-waiting');
  await verifySection(page).getByLabel(VERIFY.endReasonLabel).selectOption({ label: VERIFY.endReasons.call_dropped });
  await verifySection(page).getByRole('button', { name: VERIFY.cancel }).click();
  await expectView(page, 'cancelled');
  await check(sidebar, page, testInfo, 'verify-ended');

  await startMethod(page, 'okta_push');
  await readOut(page);
  const phone = await openPhone(context);
  // The ended attempt's push is still on the phone (Okta has no cancel): the newest, last, is this attempt's.
  await oktaPushOn(phone, ticket).last().getByRole('button', { name: 'Deny', exact: true }).click();
  await expectView(page, 'denied');
  await expect(verifySection(page).locator('[data-banner="fraud-flag"]')).toBeVisible();
  await check(sidebar, page, testInfo, 'verify-denied-fraud-flag');
});
