import AxeBuilder from '@axe-core/playwright';
import { BRANDING_PATHS } from '@vouchsafe/contracts';
import { TEST_API_TOKEN } from '@vouchsafe/test-support';
import type { Browser, Frame, Locator, Page } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { apiUrl, newTicket, sidebarOf } from './support/desks';
import { LINK, openTicket, waitForSendForm } from './support/sidebar-flow';
import { SIDEBAR } from './support/sidebar-text';
import { VERIFY, enrol, expectView, oktaPushOn, openPhone, readOut, startMethod } from './support/verify';

// Issue 14, accessibility: axe (WCAG 2.1 A/AA rules) over every sidebar state this journey reaches and every customer
// page — no serious or critical violation — and a keyboard-only send and reveal with a visible focus ring. One test,
// one ticket, one journey, to keep the suite's wall time small.

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// A 1 × 1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Runs axe over `page` (or only the sidebar iframe) and fails with the rule ids and targets of serious/critical findings. */
async function expectAccessible(page: Page, state: string, scope?: string): Promise<void> {
  // resultTypes: only violations are reported in full, which keeps each scan fast.
  let builder = new AxeBuilder({ page }).withTags(WCAG).options({ resultTypes: ['violations'] });
  if (scope) builder = builder.include(scope);
  const { violations } = await builder.analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  expect(bad, `axe on ${state}`).toEqual([]);
}

const sidebarScan = (page: Page, state: string) => expectAccessible(page, `sidebar: ${state}`, '#sidebar');

/** Presses Tab until `target` has the focus (at most `max` times); then asserts the focus is visible. */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement && document.hasFocus()).catch(() => false)) break;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
  const ring = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    return {
      isFocusVisible: el.matches(':focus-visible'),
      hasRing: (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none',
    };
  });
  expect(ring, 'a visible focus indicator').toEqual({ isFocusVisible: true, hasRing: true });
}

/** With reduced motion asked for, nothing in `frame` animates for longer than the stilled 0.01 ms. */
async function expectStill(frame: Frame): Promise<number> {
  const durations = await frame.evaluate(() =>
    [...document.querySelectorAll('*')]
      .map((el) => getComputedStyle(el))
      .filter((style) => style.animationName !== 'none')
      .map((style) => parseFloat(style.animationDuration)),
  );
  for (const seconds of durations) expect(seconds).toBeLessThanOrEqual(0.00001);
  return durations.length;
}

async function customerPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  return context.newPage();
}

test('axe finds no serious or critical violation on the sidebar and customer pages; send and reveal work with the keyboard only', async ({
  page,
  browser,
  request,
  context,
  baseURL,
}) => {
  const ticket = await newTicket(request, 'zendesk', 'Accessibility journey');
  await enrol(request, ticket);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openTicket(page, ticket);
  await waitForSendForm(page);
  const sidebar = sidebarOf(page);
  await sidebarScan(page, 'send form');

  // Keyboard only: Tab into the sidebar's text field, type, Tab to Send, press Enter.
  await tabTo(page, sidebar.getByLabel(SIDEBAR.textLabel));
  const text = `Keyboard secret ${Math.random().toString(36).slice(2, 8)}`;
  await page.keyboard.type(text);
  await tabTo(page, sidebar.getByRole('button', { name: SIDEBAR.sendButton }));
  await page.keyboard.press('Enter');
  await expect(sidebar.getByText(SIDEBAR.insertedIntoReply)).toBeVisible();
  const phrase = (await sidebar.getByTestId('link-phrase').textContent())!;
  expect(phrase).toMatch(/^[a-z]+ [a-z]+ [a-z]+$/);
  await sidebarScan(page, 'sent link');
  const link = (await page.getByLabel('Reply draft').inputValue()).match(LINK)![0];

  // The bank brands its customer pages (no custom link domain here: other specs use this tenant's links).
  const slug = new URL(link).pathname.split('/')[2]!;
  const branded = await request.put(`${apiUrl()}${BRANDING_PATHS.admin(slug)}`, {
    headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
    data: { displayName: 'Acme Bank', brandColor: '#0b5394', logoPngBase64: PNG, supportPhone: '+44 20 7946 0000' },
  });
  expect(branded.status(), await branded.text()).toBe(200);

  // Verification states: waiting for the push, denied (with the fraud flag), then verified.
  await startMethod(page, 'okta_push');
  await readOut(page);
  await sidebarScan(page, 'verification waiting');
  await expectStill(page.frame({ url: /\/apps\/zendesk/ })!);
  const phone = await openPhone(context);
  await oktaPushOn(phone, ticket).getByRole('button', { name: 'Deny', exact: true }).click();
  await expectView(page, 'denied');
  await sidebarScan(page, 'verification denied');
  await startMethod(page, 'okta_push');
  const second = await readOut(page);
  await oktaPushOn(phone, ticket)
    .getByRole('button', { name: `Tap ${second}`, exact: true })
    .click();
  await expectView(page, 'verified');
  await expect(verifyBadge(page)).toHaveText(VERIFY.verifiedBadge);
  await sidebarScan(page, 'verified');

  // The customer: the reveal page before and after, with the keyboard only; the phrase matches the sidebar's.
  const customer = await customerPage(browser);
  await customer.goto(link);
  await expect(customer.locator('main')).toHaveAttribute('data-state', 'ready');
  await expect(customer.getByTestId('page-phrase')).toHaveText(phrase);
  await expect(customer.getByRole('banner')).toHaveText('Acme Bank');
  await expect(customer.getByRole('banner').locator('img')).toHaveAttribute('src', new RegExp(`^/api/v1/t/${slug}/branding/logo\\.png`));
  await expect(customer.getByTestId('sender-notice')).toContainText(
    `Sent by ${ticket.agent.name.split(' ')[0]!} at Acme Bank, about your request ${ticket.displayId}.`,
  );
  await expectAccessible(customer, 'reveal page, before');
  await tabTo(customer, customer.getByRole('button', { name: 'Reveal', exact: true }));
  await customer.keyboard.press('Enter');
  await expect(customer.locator('main')).toHaveAttribute('data-state', 'revealed');
  await expect(customer.getByLabel('Secret', { exact: true })).toHaveValue(text);
  await expectAccessible(customer, 'reveal page, after');

  // Gone, the check page with an answer, and a server-rendered sign-in page (one template serves them all).
  await customer.goto('about:blank'); // the same URL again would only change the fragment, not load the page
  await customer.goto(link);
  await expect(customer.locator('main')).toHaveAttribute('data-state', 'gone');
  await expectAccessible(customer, 'reveal page, gone');
  const { origin, pathname } = new URL(link);
  await customer.goto(`${origin}${pathname.split('/s/')[0]!}/check`);
  await customer.getByRole('textbox', { name: 'Link or id' }).fill(link);
  await customer.getByRole('button', { name: 'Check' }).click();
  await expect(customer.getByTestId('check-answer')).toContainText('can no longer be opened');
  await expectAccessible(customer, 'check page');
  await customer.goto(`${baseURL}/v/${'A'.repeat(22)}`);
  await expectAccessible(customer, 'short sign-in link, unknown');
  await customer.context().close();
});

const verifyBadge = (page: Page) => sidebarOf(page).locator('[data-badge="verified"]');
