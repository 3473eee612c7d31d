import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { DESK_ACCOUNTS } from '@vouchsafe/test-support/desks';
import { deskUrl } from './desks';

/** The reviewer who signs in to /review at the OIDC peer; globalSetup gives the account the auditor role claim. */
export const REVIEWER = { email: 'rita.reviewer@bank.example', name: 'Rita Reviewer', roleClaim: 'vouchsafe-auditor' } as const;

/** From the console's sign-in button through the OIDC peer's login page and back, signed in. */
export async function signInToReview(page: Page): Promise<void> {
  await page.goto('/review/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('oidc-email').fill(REVIEWER.email);
  await page.getByTestId('oidc-sign-in').click();
  await expect(page).toHaveURL(/\/review\/$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${REVIEWER.name}`);
}

/** Picks the (first) tenant of `desk` in the console's tenant picker. */
export async function pickTenant(page: Page, desk: string): Promise<string> {
  const picker = page.getByLabel('Tenant');
  await expect(picker.locator('option', { hasText: `(${desk})` }).first()).toBeAttached();
  const value =
    (await picker
      .locator('option', { hasText: `(${desk})` })
      .first()
      .getAttribute('value')) ?? '';
  await picker.selectOption(value);
  return value;
}

/**
 * A desk admin changes text in a Zendesk internal note the way Zendesk allows it (Redact String in Comment:
 * `PUT /api/v2/tickets/{id}/comments/{comment_id}/redact.json`), against the stand-in's REST API.
 */
export async function redactZendeskNote(request: APIRequestContext, ticketId: string, commentId: string, text: string): Promise<void> {
  const { email, apiToken } = DESK_ACCOUNTS.zendesk;
  const res = await request.put(`${deskUrl()}/zendesk/api/v2/tickets/${ticketId}/comments/${commentId}/redact.json`, {
    headers: { authorization: `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}` },
    data: { text },
  });
  expect(res.status(), await res.text()).toBe(200);
}
