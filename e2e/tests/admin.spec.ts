import { API_PATHS } from '@vouchsafe/contracts';
import { TEST_API_TOKEN } from '@vouchsafe/test-support';
import { OKTA_TEST_API_TOKEN } from '@vouchsafe/test-support/idps';
import { expect, test, type Page } from '@playwright/test';
import { adminApiUrl, adminTenant, signInToAdmin } from './support/admin';
import { idpUrls } from './support/verify';

/**
 * The admin console at /admin in real Chromium, two administrators in two browser contexts against the API in
 * four_eyes mode: Ada connects Okta, Ben approves; Ada allows the desk's phone number (weakens verification) → pending, she cannot approve it; Ben
 * approves → applied (read back through the API); Ben creates an API token (shown once); Ben shortens the verification lifetime,
 * Ada rejects that with a reason.
 */
test('two administrators: a weakening policy change waits for the second, who approves it; a token shown once; a rejection with a reason', async ({
  browser,
  request,
}) => {
  const slug = adminTenant();
  const ada = await signInToAdmin(browser, 'ada');
  const ben = await signInToAdmin(browser, 'ben');

  const openTenant = async (page: Page) => {
    await page.getByRole('button', { name: 'Tenants' }).click();
    await page.getByTestId('tenant-row').filter({ hasText: slug }).getByRole('button').click();
  };

  // Ada connects Okta (the stand-in): an IdP change waits for a second person too; Ben approves it.
  await openTenant(ada.page);
  const idp = ada.page.getByRole('form', { name: 'Set an IdP connection' });
  await idp.getByLabel('Okta org URL').fill(idpUrls().okta);
  await idp.getByLabel('API token').fill(OKTA_TEST_API_TOKEN);
  await idp.getByRole('button', { name: 'Save Okta connection' }).click();
  await expect(ada.page.getByText('Waiting for approval')).toBeVisible();
  await expect(idp.getByLabel('API token')).toHaveValue('');
  await ben.page.getByRole('button', { name: 'Changes' }).click();
  await ben.page.getByTestId('change').filter({ hasText: 'okta' }).getByRole('button', { name: 'Approve' }).click();
  await ben.page.getByRole('alertdialog').getByRole('button', { name: 'Approve and apply' }).click();
  await expect(ben.page.getByText(/Approved and applied/)).toBeVisible();

  // Ada: the tenant's policy (now offering Okta push), allow the desk's phone number, save → waiting for approval.
  await ada.page.getByRole('button', { name: 'All tenants' }).click();
  await openTenant(ada.page);
  await expect(ada.page.getByTestId('idp-row').filter({ hasText: 'okta' })).toBeVisible();
  await expect(ada.page.getByTestId('idp-row')).not.toContainText(OKTA_TEST_API_TOKEN);
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

  // Ben shortens how long a verification counts; Ada rejects that with a reason.
  await openTenant(ben.page);
  const benPolicy = ben.page.getByRole('form', { name: 'Edit the verification policy' });
  await benPolicy.getByLabel('A verification counts for (seconds)').fill('600');
  await benPolicy.getByRole('button', { name: 'Save policy' }).click();
  await expect(ben.page.getByText('Waiting for approval')).toBeVisible();

  await ada.page.getByRole('button', { name: 'Tenants' }).click();
  await ada.page.getByRole('button', { name: 'Changes' }).click();
  const bens = ada.page.getByTestId('change').filter({ has: ada.page.getByRole('button', { name: 'Reject' }) });
  await bens.getByRole('button', { name: 'Reject' }).click();
  await bens.getByLabel('Why you reject it').fill('Keep 15 minutes for this desk');
  await bens.getByRole('button', { name: 'Reject change' }).click();
  await expect(ada.page.getByText(/^Rejected:/)).toBeVisible();
  await expect(ada.page.getByTestId('change')).toHaveCount(0);

  await ada.context.close();
  await ben.context.close();
});
