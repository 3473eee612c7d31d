import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { deriveChecks, fromBase64Url, openSecret, parseSecretLink, toBase64Url } from '@vouchsafe/crypto';
import { apiUrl, newTicket, sidebarOf, type StandInTicket } from './support/desks';
import { LINK, openTicket, waitForSendForm } from './support/sidebar-flow';
import { SIDEBAR } from './support/sidebar-text';
import { checkHidden, enrol, oidcSignIn } from './support/verify';

// A secret only the ticket's verified requester may open: the agent ticks "Only the ticket's requester may open" in
// the Zendesk sidebar; the reveal endpoint refuses content (403 verification_required, nothing consumed) until the
// recipient signed in at the tenant's OIDC provider as that requester, which earns a one-time reveal grant.

const tenantPathOf = (link: string) => /\/t\/([^/]+)\/s\//.exec(new URL(link).pathname)?.[1];

async function sendVerifiedOnly(page: Page, ticket: StandInTicket, text: string): Promise<string> {
  await openTicket(page, ticket);
  await waitForSendForm(page);
  const sidebar = sidebarOf(page);
  await sidebar.getByLabel(SIDEBAR.textLabel).fill(text);
  await checkHidden(sidebar.getByRole('checkbox', { name: SIDEBAR.verifyOnlyRequester }));
  await sidebar.getByRole('button', { name: SIDEBAR.sendButton }).click();
  await expect(sidebar.getByText(SIDEBAR.insertedIntoReply)).toBeVisible();
  const reply = page.getByLabel('Reply draft', { exact: true });
  await expect(reply).toHaveValue(LINK);
  return (await reply.inputValue()).match(LINK)![0];
}

async function reveal(request: APIRequestContext, link: string, grant?: string) {
  const { id, linkKey } = parseSecretLink(link);
  const checks = await deriveChecks(linkKey);
  const res = await request.post(`${apiUrl()}/api/v1/t/${tenantPathOf(link)}/secrets/${id}/reveal`, {
    data: { keyCheck: toBase64Url(checks.keyCheck), ...(grant ? { grant } : {}) },
  });
  return { status: res.status(), body: (await res.json()) as Record<string, any> };
}

test('a verified-requester-only secret cannot be revealed without verification, and can after verifying as the requester', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk', 'Only for the requester');
  await enrol(request, ticket);
  const text = `Recovery code ${Math.random().toString(36).slice(2, 10)}`;
  const link = await sendVerifiedOnly(page, ticket, text);
  const { id } = parseSecretLink(link);
  const slug = tenantPathOf(link)!;

  // The public metadata says so, and offers the tenant's link methods.
  const meta = await request.get(`${apiUrl()}/api/v1/t/${slug}/secrets/${id}`);
  expect(await meta.json()).toMatchObject({ needsVerification: true, viewsLeft: 1 });
  expect((await meta.json()).verifyMethods).toContain('oidc');

  // Without verification: refused, nothing consumed.
  const refused = await reveal(request, link);
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('verification_required');
  expect((await (await request.get(`${apiUrl()}/api/v1/t/${slug}/secrets/${id}`)).json()).viewsLeft).toBe(1);

  // The recipient asks to verify, signs in at the IdP as the requester, and comes back with a one-time grant.
  // Only a holder of the link may start it: the body carries the link key's check.
  const keyCheck = toBase64Url((await deriveChecks(parseSecretLink(link).linkKey)).keyCheck);
  expect((await request.post(`${apiUrl()}/api/v1/t/${slug}/secrets/${id}/verify`, { data: { method: 'oidc' } })).status()).toBe(422);
  const started = await request.post(`${apiUrl()}/api/v1/t/${slug}/secrets/${id}/verify`, { data: { method: 'oidc', keyCheck } });
  expect(started.status()).toBe(200);
  const { url } = (await started.json()) as { url: string };
  const customer = await browser.newContext();
  let grant: string;
  try {
    const tab = await customer.newPage();
    await tab.goto(url);
    await oidcSignIn(tab, { until: new RegExp(`/t/${slug}/s/${id}\\?grant=`) });
    grant = new URL(tab.url()).searchParams.get('grant')!;
  } finally {
    await customer.close();
  }
  expect(grant).toMatch(/^[A-Za-z0-9_-]{43}$/);

  const opened = await reveal(request, link, grant);
  expect(opened.status).toBe(200);
  const payload = await openSecret(fromBase64Url(opened.body.ciphertext as string), parseSecretLink(link).linkKey);
  expect(payload).toMatchObject({ kind: 'text', text });

  // The grant was one-time and the secret is gone.
  expect((await reveal(request, link, grant)).status).toBe(404);
});

test('in the portal: the recipient is asked to verify, signs in as the requester, comes back and reveals the secret', async ({
  page,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'zendesk', 'Portal verification');
  await enrol(request, ticket);
  const text = `Portal recovery code ${Math.random().toString(36).slice(2, 10)}`;
  const link = await sendVerifiedOnly(page, ticket, text);
  const { id } = parseSecretLink(link);
  const slug = tenantPathOf(link)!;

  const customer = await browser.newContext();
  try {
    const tab = await customer.newPage();
    await tab.goto(link);
    await expect(tab.getByRole('heading', { level: 1 })).toHaveText("Verify it's you");
    await expect(tab.getByRole('button', { name: 'Reveal', exact: true })).toHaveCount(0);
    await tab.getByRole('button', { name: 'Sign in with your organisation account' }).click();
    await oidcSignIn(tab, { until: new RegExp(`/t/${slug}/s/${id}`) });
    await expect(tab.locator('main')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
    await tab.getByRole('button', { name: 'Reveal', exact: true }).click();
    await expect(tab.locator('main')).toHaveAttribute('data-state', 'revealed');
    await expect(tab.getByLabel('Secret', { exact: true })).toHaveValue(text);
    // The grant was taken out of the address bar.
    expect(new URL(tab.url()).searchParams.get('grant')).toBeNull();
  } finally {
    await customer.close();
  }
});
