import { expect, test } from './support/browser-checks';
import { newTicket, sidebarOf } from './support/desks';
import { openTicket, sendTextSecret, waitForSendForm } from './support/sidebar-flow';
import { HEADINGS } from './support/portal-text';

// The pages we serve have strict CSPs (no 'unsafe-eval', no inline script). Loading them must not trip them: a
// violation on every load (zod probing `new Function('')` used to be one) hides the violation that matters.
// browserChecks fails any test whose page reports one; these tests load each page on purpose, in the same `page`.

test('the Zendesk sidebar and the portal load, send and reveal with zero CSP violations', async ({ page, request, browserChecks }) => {
  const ticket = await newTicket(request, 'zendesk');
  await openTicket(page, ticket);
  const link = await sendTextSecret(page, 'zendesk', 'csp canary 4Rt9');
  await expect(sidebarOf(page).locator('body')).toContainText(ticket.displayId);

  await page.goto(link);
  await expect(page.locator('main')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Reveal', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(HEADINGS.revealedText);
  expect(browserChecks.problems).toEqual([]);
});

test('(control) a CSP violation in the sidebar frame is seen and fails the test', async ({ page, request, browserChecks }) => {
  const ticket = await newTicket(request, 'zendesk');
  await openTicket(page, ticket);
  await waitForSendForm(page);
  browserChecks.expectProblem(
    /^\[csp\] img-src refused http:\/\/elsewhere\.example\/pixel\.png on http:\/\/127\.0\.0\.1:\d+\/apps\/zendesk\/$/,
  );
  // Content the sidebar's CSP forbids (an image from another origin); the browser reports it like any violation.
  await page.frame({ name: 'zaf-sidebar' })!.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'http://elsewhere.example/pixel.png';
    document.body.append(img);
  });
  await expect.poll(() => browserChecks.problems.length).toBe(1);
});
