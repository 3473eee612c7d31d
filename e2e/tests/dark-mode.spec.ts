import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { newTicket, sidebarOf } from './support/desks';
import { openTicket, sendTextSecret, waitForSendForm } from './support/sidebar-flow';
import { VERIFY, enrol, verifySection } from './support/verify';

// Issue 14 (dark mode): the Zendesk sidebar takes the agent's colour scheme from the desk (ZAF `colorScheme`, then
// `colorScheme.changed` at runtime), and the customer's page follows the browser's prefers-color-scheme. One journey;
// 320 px screenshots of the dark sidebar (send form, a verification state, sent) are attached for a person to read.

/** WCAG relative luminance of a computed, opaque `rgb(r, g, b)` colour (a transparent background proves nothing). */
function luminance(computed: string): number {
  const parts = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(computed);
  if (!parts) throw new Error(`not an opaque computed colour: ${computed}`);
  const [r, g, b] = parts.slice(1, 4).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function colours(element: Locator): Promise<{ background: number; text: number }> {
  const { background, text } = await element.evaluate((el) => {
    const style = getComputedStyle(el);
    return { background: style.backgroundColor, text: style.color };
  });
  return { background: luminance(background), text: luminance(text) };
}

async function expectDark(element: Locator): Promise<void> {
  const c = await colours(element);
  expect(c.background, 'a dark background').toBeLessThan(0.05);
  expect(c.text, 'light text').toBeGreaterThan(0.5);
}

async function expectLight(element: Locator): Promise<void> {
  const c = await colours(element);
  expect(c.background, 'a light background').toBeGreaterThan(0.9);
  expect(c.text, 'dark text').toBeLessThan(0.1);
}

async function shot(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const path = testInfo.outputPath(`sidebar-dark-320-${state}.png`);
  await page.locator('#sidebar').screenshot({ path });
  await testInfo.attach(`sidebar-dark-320-${state}`, { path, contentType: 'image/png' });
}

test('dark mode: the Zendesk sidebar follows the desk’s colour scheme, also when it switches; the portal follows prefers-color-scheme', async ({
  page,
  browser,
  request,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 2400 });
  const ticket = await newTicket(request, 'zendesk', 'Dark sidebar');
  await enrol(request, ticket);
  await openTicket(page, ticket, '?colorScheme=dark');
  await page.locator('#sidebar').evaluate((frame) => {
    (frame as HTMLIFrameElement).style.width = '320px';
  });
  await waitForSendForm(page);
  const sidebar = sidebarOf(page);
  const root = sidebar.locator('div[data-state="ready"]');

  await expect(root).toHaveAttribute('data-color-scheme', 'dark');
  await expectDark(root);
  await expectDark(sidebar.locator('html'));
  await expect(verifySection(page).getByRole('button', { name: VERIFY.start })).toBeVisible({ timeout: 20_000 });
  await shot(page, testInfo, 'form-and-verify');

  const link = await sendTextSecret(page, 'zendesk', 'Dark-mode secret 2026');
  await shot(page, testInfo, 'sent');

  // The agent switches Zendesk to light: the desk fires colorScheme.changed and the sidebar follows without a reload.
  await page.locator('#color-scheme').selectOption('light');
  await expect(root).toHaveAttribute('data-color-scheme', 'light');
  await expectLight(root);

  const customer = await browser.newContext({ colorScheme: 'dark' });
  try {
    const portal = await customer.newPage();
    await portal.goto(link);
    await expect(portal.locator('main')).toHaveAttribute('data-state', 'ready');
    await expect(portal.locator('html')).toHaveAttribute('data-color-scheme', 'dark');
    await expectDark(portal.locator('body'));
    await portal.emulateMedia({ colorScheme: 'light' });
    await expect(portal.locator('html')).toHaveAttribute('data-color-scheme', 'light');
    await expectLight(portal.locator('body'));
  } finally {
    await customer.close();
  }
});
