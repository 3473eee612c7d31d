import { API_PATHS } from '@vouchsafe/contracts';
import { TEST_API_TOKEN } from '@vouchsafe/test-support';
import { expect, test } from '@playwright/test';
import { adminApiUrl, adminTenant, signInToAdmin } from './support/admin';

/**
 * The admin console at /admin in real Chromium, two administrators in two browser contexts against the API in
 * four_eyes mode: Ada allows the desk's phone number (weakens verification) → pending, she cannot approve it; Ben
 * approves → applied (read back through the API); Ben creates an API token (shown once); Ben reorders the methods,
 * Ada rejects that with a reason.
 */
test('two administrators: a weakening policy change waits for the second, who approves it; a token shown once; a rejection with a reason', async ({
  browser,
  request,
}) => {
  const slug = adminTenant();
  const ada = await signInToAdmin(browser, 'ada');
  const ben = await signInToAdmin(browser, 'ben');

  // Ada: the tenant's policy, allow the desk's phone number, save → waiting for approval.
  await ada.page.getByRole('button', { name: 'Tenants' }).click();
  await ada.page.getByTestId('tenant-row').filter({ hasText: slug }).getByRole('button').click();
  const policy = ada.page.getByRole('form', { name: 'Edit the verification policy' });
  await policy.getByRole('checkbox', { name: /Allow the help desk’s phone number/ }).check({ force: true });
  await policy.getByLabel('Why (shown to the approver)').fill('Customers without the app');
  await policy.getByRole('button', { name: 'Save policy' }).click();
  await expect(ada.page.getByText('Waiting for approval')).toBeVisible();
  await ada.page.getByRole('button', { name: 'See the change' }).click();
  const own = ada.page.getByTestId('change').first();
  await expect(own.getByTestId('own-request')).toContainText('waiting for another administrator');
  await expect(own.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(own.locator('[data-weakens="true"]')).toContainText('deskPhoneFallback.isAllowed');

  // Still the old policy for the API.
  const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };
  const before = await request.get(`${adminApiUrl()}${API_PATHS.adminPolicy(slug)}`, { headers: auth });
  expect((await before.json()).policy.deskPhoneFallback.isAllowed).toBe(false);

  // Ben approves, after a confirmation that repeats the change.
  await ben.page.getByRole('button', { name: 'Changes' }).click();
  const card = ben.page.getByTestId('change').filter({ hasText: 'Customers without the app' });
  await card.getByRole('button', { name: 'Approve' }).click();
  const dialog = ben.page.getByRole('alertdialog');
  await expect(dialog).toContainText('deskPhoneFallback.isAllowed');
  await dialog.getByRole('button', { name: 'Approve and apply' }).click();
  await expect(ben.page.getByText(/Approved and applied/)).toBeVisible();
  const after = await request.get(`${adminApiUrl()}${API_PATHS.adminPolicy(slug)}`, { headers: auth });
  expect((await after.json()).policy.deskPhoneFallback.isAllowed).toBe(true);

  // Ben creates an API token: shown once.
  await ben.page.getByRole('button', { name: 'API tokens' }).click();
  const create = ben.page.getByRole('form', { name: 'Create an API token' });
  await create.getByLabel('Name').fill('e2e-sender');
  await create.getByRole('button', { name: 'Create token' }).click();
  const shown = ben.page.getByTestId('created-token');
  const token = (await shown.getByLabel('New API token').textContent()) ?? '';
  expect(token.length).toBeGreaterThan(40);
  await shown.getByRole('button', { name: 'I have stored it' }).click();
  await expect(ben.page.getByText(token)).toHaveCount(0);
  await expect(ben.page.getByTestId('token-row').filter({ hasText: 'e2e-sender' })).toBeVisible();

  // Ben moves a method down; Ada rejects that with a reason.
  await ben.page.getByRole('button', { name: 'Tenants' }).click();
  await ben.page.getByTestId('tenant-row').filter({ hasText: slug }).getByRole('button').click();
  const benPolicy = ben.page.getByRole('form', { name: 'Edit the verification policy' });
  await benPolicy
    .getByRole('button', { name: /^Move .+ down$/ })
    .first()
    .click();
  await benPolicy.getByRole('button', { name: 'Save policy' }).click();
  await expect(ben.page.getByText('Waiting for approval')).toBeVisible();

  await ada.page.getByRole('button', { name: 'Tenants' }).click();
  await ada.page.getByRole('button', { name: 'Changes' }).click();
  const bens = ada.page.getByTestId('change').filter({ has: ada.page.getByRole('button', { name: 'Reject' }) });
  await bens.getByRole('button', { name: 'Reject' }).click();
  await bens.getByLabel('Why you reject it').fill('Push stays first for this desk');
  await bens.getByRole('button', { name: 'Reject change' }).click();
  await expect(ada.page.getByText(/^Rejected:/)).toBeVisible();
  await expect(ada.page.getByTestId('change')).toHaveCount(0);

  await ada.context.close();
  await ben.context.close();
});
