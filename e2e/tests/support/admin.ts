import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/**
 * The two administrators who sign in to /admin at the OIDC peer (globalSetup gives both the admin role claim), on the
 * second API process that runs in four_eyes mode (VOUCHSAFE_E2E_ADMIN_URL; the main one runs single_admin so the
 * other suites can set policies with one call).
 */
export const ADMIN_ROLE_CLAIM = 'vouchsafe-admin';
export const ADMINS = {
  ada: { email: 'ada.admin@bank.example', name: 'Ada Admin' },
  ben: { email: 'ben.admin@bank.example', name: 'Ben Admin' },
} as const;

export const adminApiUrl = (): string => {
  const url = process.env.VOUCHSAFE_E2E_ADMIN_URL;
  if (!url) throw new Error('VOUCHSAFE_E2E_ADMIN_URL is not set: run through playwright (globalSetup starts the four-eyes API)');
  return url;
};

/** The zendesk tenant globalSetup registered on the four-eyes API. */
export const adminTenant = (): string => process.env.VOUCHSAFE_E2E_ADMIN_TENANT ?? '';

/** A browser context of its own (its own session cookie) signed in to /admin as `who`. */
export async function signInToAdmin(browser: Browser, who: keyof typeof ADMINS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: adminApiUrl() });
  const page = await context.newPage();
  await page.goto('/admin/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('oidc-email').fill(ADMINS[who].email);
  await page.getByTestId('oidc-sign-in').click();
  await expect(page).toHaveURL(/\/admin\/$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${ADMINS[who].name}`);
  return { context, page };
}
