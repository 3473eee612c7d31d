import { randomUUID } from 'node:crypto';
import { expect, test } from './support/browser-checks';
import { newTicket } from './support/desks';
import { openTicket } from './support/sidebar-flow';
import {
  enrol,
  expectMaskedVerificationNote,
  expectView,
  nextOidcLogin,
  oidcSignIn,
  oktaPushOn,
  openMailedLink,
  openPhone,
  readOut,
  startMethod,
  verificationNote,
  verifySection,
} from './support/verify';

// Verify caller from the other two desks, one method end to end each (the Zendesk spec covers every method):
// ServiceNow with a Microsoft Entra-flavoured OIDC peer (Conditional Access auth context in `acrs`; the requester is the
// object id the Microsoft Graph stand-in finds for the email on record), Jira Service
// Management (Forge bridge: the sidebar polls instead of streaming) with Okta Verify.

test('ServiceNow: Entra sign-in link with the auth context → verified and a work note', async ({ page, context, browser, request }) => {
  const ticket = await newTicket(request, 'servicenow', 'Entra verification');
  await enrol(request, ticket);
  await openTicket(page, ticket);
  await startMethod(page, 'oidc');
  await expectView(page, 'waiting');
  const phone = await openPhone(context);
  const customer = await openMailedLink(browser, phone, ticket);
  try {
    // The reply carries Vouchsafe's short link; the authorize request it leads to (303) carries the claims request for
    // the auth context. Asking where it leads changes nothing.
    const leads = await request.get(customer.href, { maxRedirects: 0 });
    expect(leads.status()).toBe(303);
    expect(new URL(leads.headers().location ?? '').searchParams.get('claims') ?? '').toContain('"acrs"');
    await oidcSignIn(customer.page);
  } finally {
    await customer.close();
  }
  await expectView(page, 'verified');
  await expect(verifySection(page).locator('[data-badge="verified"]')).toBeVisible();
  expectMaskedVerificationNote(await verificationNote(request, 'servicenow', ticket, 'Caller verification PASSED'), ticket);
});

test('ServiceNow: Entra sign-in without MFA (no auth context in acrs) → failure', async ({ page, context, browser, request }) => {
  const ticket = await newTicket(request, 'servicenow', 'Entra without MFA');
  await enrol(request, ticket);
  await openTicket(page, ticket);
  await startMethod(page, 'oidc');
  await expectView(page, 'waiting');
  const phone = await openPhone(context);
  const customer = await openMailedLink(browser, phone, ticket);
  try {
    await oidcSignIn(customer.page, { mfa: false });
  } finally {
    await customer.close();
  }
  await expectView(page, 'failed');
});

test('ServiceNow: another Entra account with the requester’s email (another oid) → failure', async ({
  page,
  context,
  browser,
  request,
}) => {
  const ticket = await newTicket(request, 'servicenow', 'Entra lookalike account');
  await enrol(request, ticket);
  await openTicket(page, ticket);
  await startMethod(page, 'oidc');
  await expectView(page, 'waiting');
  // The id_token names the requester's email but another directory object than the one Graph found for them.
  await nextOidcLogin(request, { oid: randomUUID() }, 'entra');
  const phone = await openPhone(context);
  const customer = await openMailedLink(browser, phone, ticket);
  try {
    await oidcSignIn(customer.page);
  } finally {
    await customer.close();
  }
  await expectView(page, 'failed');
  await expect(verifySection(page)).toContainText('Someone other than the ticket’s requester signed in.');
});

test('Jira: Okta Verify push approved on the phone → verified and an internal comment', async ({ page, context, request }) => {
  const ticket = await newTicket(request, 'jira', 'Okta from Jira');
  await enrol(request, ticket);
  await openTicket(page, ticket);
  await startMethod(page, 'okta_push');
  const number = await readOut(page);
  const phone = await openPhone(context);
  await oktaPushOn(phone, ticket)
    .getByRole('button', { name: `Tap ${number}`, exact: true })
    .click();
  await expectView(page, 'verified');
  expectMaskedVerificationNote(await verificationNote(request, 'jira', ticket, 'Caller verification PASSED'), ticket, [number]);
});
