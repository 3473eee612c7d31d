import { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { deskUrl, notesOf, sidebarOf, waitForNotes, type Desk, type StandInComment, type StandInTicket } from './desks';
import { SIDEBAR } from './sidebar-text';
import { VERIFICATION_METHOD_LABELS } from '@vouchsafe/contracts';
import { queryDatabase } from '@vouchsafe/test-support';

/**
 * Verify caller in the e2e suite: enrol a ticket's requester with the IdP stand-ins (globalSetup runs them and the
 * desk server exposes /__control/idps and the simulated phone at /phone), drive the sidebar's Verify caller section,
 * answer on the phone page, and read the verification notes.
 */

export type Method = 'okta_push' | 'duo_push' | 'duo_universal' | 'oidc' | 'callback_sms' | 'callback_voice';

/** Labels the API gives each method (contracts, the same in the sidebar and the notes). */
export const METHOD_LABEL: Readonly<Record<Method, string>> = VERIFICATION_METHOD_LABELS;

export const VERIFY = SIDEBAR.verify;

export interface IdpUrls {
  okta: string;
  duo: string;
  oidc: string;
  entra: string;
  graph: string;
  twilio: string;
  duoApiHost: string;
}

export function idpUrls(): IdpUrls {
  const raw = process.env.VOUCHSAFE_E2E_IDP_URLS;
  if (!raw) throw new Error('VOUCHSAFE_E2E_IDP_URLS is set by the e2e globalSetup');
  return JSON.parse(raw) as IdpUrls;
}

export interface EnrolOptions {
  /** Okta: what the push does when polled (default manual: the phone page answers). */
  okta?: 'approve' | 'deny' | 'timeout' | 'unknown' | 'manual';
  /** Duo: outcome (default manual) and whether Duo asks for a Verified Push code. */
  duo?: { outcome?: 'approve' | 'deny' | 'timeout' | 'manual'; verifiedPush?: boolean };
}

/** Makes the ticket's requester a user of every IdP stand-in (Okta push enrolled 30 days ago, Duo, both OIDC peers). */
export async function enrol(request: APIRequestContext, ticket: StandInTicket, opts: EnrolOptions = {}): Promise<void> {
  const res = await request.post(`${deskUrl()}/__control/idps/enroll`, {
    data: {
      email: ticket.requester.email,
      name: ticket.requester.name,
      phone: ticket.requester.phone?.replace(/[\s()-]/g, '') ?? null,
      okta: opts.okta ?? 'manual',
      duo: { outcome: 'manual', ...(opts.duo ?? {}) },
    },
  });
  expect(res.status(), await res.text()).toBe(204);
}

/**
 * Claims of the next sign-in at an OIDC peer (one-shot): amr, acr, acrs, auth_time offset, who signs in, and
 * email_verified (generic) or another directory object / tenant (Entra `oid` / `tid`).
 */
export async function nextOidcLogin(
  request: APIRequestContext,
  login: {
    email?: string;
    amr?: string[];
    acr?: string;
    acrs?: string[];
    authTimeOffsetSeconds?: number;
    deny?: boolean;
    emailVerified?: boolean | string | null;
    oid?: string;
    tid?: string;
  },
  peer: 'oidc' | 'entra' = 'oidc',
): Promise<void> {
  const res = await request.post(`${deskUrl()}/__control/idps/next-login`, { data: { peer, login } });
  expect(res.status()).toBe(204);
}

/** The code the Twilio stand-in "sent" to this phone. */
export async function twilioCode(request: APIRequestContext, phone: string): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(async () => {
      const res = await request.get(`${deskUrl()}/__control/idps/twilio/code?to=${encodeURIComponent(phone.replace(/[\s()-]/g, ''))}`);
      code = ((await res.json()) as { code: string | null }).code;
      return code;
    })
    .not.toBeNull();
  return code!;
}

/** The Verify caller section of the sidebar on an agent page. */
export const verifySection = (page: Page): Locator =>
  sidebarOf(page)
    .locator('section')
    .filter({ has: sidebarOf(page).getByRole('heading', { name: VERIFY.heading }) });

/** Waits for the section to show `view` (its data-verification attribute: waiting, verified, denied, failed …). */
export async function expectView(page: Page, view: string, timeout = 20_000): Promise<void> {
  await expect(verifySection(page)).toHaveAttribute('data-verification', view, { timeout });
}

/**
 * Checks a Garden checkbox or radio. Its native input is visually hidden, so the click is forced, and a forced click
 * skips Playwright's stability wait: when the sidebar re-renders or resizes under it the click can miss. Retry
 * until the control really is checked.
 */
export async function checkHidden(control: Locator): Promise<void> {
  await expect(async () => {
    await control.check({ force: true, timeout: 2_000 });
    await expect(control).toBeChecked({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

/**
 * A test-only clock for attempt deadlines: brings the open `method` attempt on `ticket` to its deadline now, in the
 * API's database, so the API's own expiry path (the poller finding `expires_at <= now()`: timed out, push cancelled,
 * note) runs at once instead of after the policy's attempt timeout (30 s at the least). Resolves with the attempt's
 * timeout as the API set it (seconds from start to deadline) so the caller can still check the policy was applied.
 */
export async function expireNow(ticket: StandInTicket, method: Method): Promise<number> {
  const url = process.env.VOUCHSAFE_E2E_DATABASE_URL;
  if (!url) throw new Error('VOUCHSAFE_E2E_DATABASE_URL is set by the e2e globalSetup');
  const rows = await queryDatabase<{ seconds: number }>(
    url,
    `WITH open AS (
       SELECT id, expires_at - started_at AS span FROM verifications
        WHERE ticket_id = $1 AND method = $2 AND state IN ('started', 'waiting') FOR UPDATE)
     UPDATE verifications v SET expires_at = now() FROM open WHERE v.id = open.id
     RETURNING round(extract(epoch FROM open.span))::int AS seconds`,
    [ticket.ticketId, method],
  );
  expect(rows, 'exactly one open attempt').toHaveLength(1);
  return rows[0]!.seconds;
}

/** Picks a method and presses Start verification (or Verify again). */
export async function startMethod(page: Page, method: Method): Promise<void> {
  const section = verifySection(page);
  await expect(section.getByRole('radio', { name: new RegExp(`^${METHOD_LABEL[method]}`) })).toBeEnabled({ timeout: 20_000 });
  await checkHidden(section.getByRole('radio', { name: new RegExp(`^${METHOD_LABEL[method]}`) }));
  await section.getByRole('button', { name: new RegExp(`^(${VERIFY.start}|${VERIFY.verifyAgain})$`) }).click();
}

/** The number the sidebar tells the agent to read (Okta number challenge) or the Verified Push code. */
export async function readOut(page: Page): Promise<string> {
  const value = verifySection(page).locator('[data-readout]');
  await expect(value).toHaveText(/^\d+$/, { timeout: 20_000 });
  return (await value.textContent())!.trim();
}

/** The simulated phone, in its own page of `context`. */
export async function openPhone(context: BrowserContext): Promise<Page> {
  const phone = await context.newPage();
  await phone.goto(`${deskUrl()}/phone`);
  await expect(phone.getByRole('heading', { level: 1, name: 'Phone' })).toBeVisible();
  return phone;
}

export const oktaPushOn = (phone: Page, ticket: StandInTicket): Locator =>
  phone.getByRole('listitem', { name: `Okta Verify push for ${ticket.requester.name}` });
export const duoPushOn = (phone: Page, ticket: StandInTicket): Locator =>
  phone.getByRole('listitem', { name: `Duo push for ${ticket.requester.email!.toLowerCase()}` });
export const linkOn = (phone: Page, ticket: StandInTicket): Locator =>
  phone
    .getByRole('listitem', { name: `Link for ${ticket.requester.email}` })
    .getByRole('link', { name: 'Open the sign-in link' })
    .first();

/**
 * Opens the sign-in link the desk mailed to the requester (from the phone page's mailbox), in the customer's own
 * browser context, and returns that page.
 */
export async function openMailedLink(
  browser: Browser,
  phone: Page,
  ticket: StandInTicket,
): Promise<{ page: Page; href: string; close(): Promise<void> }> {
  const link = linkOn(phone, ticket);
  await expect(link).toBeVisible({ timeout: 20_000 });
  const href = (await link.getAttribute('href'))!;
  const customer = await browser.newContext();
  const page = await customer.newPage();
  await page.goto(href);
  return { page, href, close: () => customer.close() };
}

/** Signs in on the OIDC peer's login page (the MFA box as given) and waits for our callback's result page. */
export async function oidcSignIn(page: Page, opts: { mfa?: boolean; until?: RegExp } = {}): Promise<void> {
  await expect(page.getByTestId('oidc-login-form')).toBeVisible();
  if (opts.mfa === false) await page.getByTestId('oidc-mfa').uncheck();
  await page.getByTestId('oidc-sign-in').click();
  await page.waitForURL(opts.until ?? /\/verify\/callback\/oidc/, { timeout: 20_000 });
}

const headline = (n: StandInComment) => n.body.split('\n')[0] ?? '';

/** Waits for the verification note whose headline contains `words`; returns it. */
export async function verificationNote(
  request: APIRequestContext,
  desk: Desk,
  ticket: StandInTicket,
  words: string,
): Promise<StandInComment> {
  const notes = await waitForNotes(request, desk, ticket.id, (all) => all.some((n) => headline(n).includes(words)));
  return notes.find((n) => headline(n).includes(words))!;
}

/** Nothing in a verification note that must never be there: the requester's email or phone, the number or code read. */
export function expectMaskedVerificationNote(note: StandInComment, ticket: StandInTicket, secrets: readonly string[] = []): void {
  expect(note.body).toMatch(/^Receipt: [0-9a-f-]{36}$/m);
  if (ticket.requester.email) expect(note.body).not.toContain(ticket.requester.email);
  if (ticket.requester.phone) {
    expect(note.body).not.toContain(ticket.requester.phone);
    expect(note.body).not.toContain(ticket.requester.phone.replace(/[\s()-]/g, ''));
  }
  // The number or code read on the call never appears (times, the IdP reference and the receipt aside; facts share
  // lines, separated by ` · `).
  const facts = note.body
    .split('\n')
    .flatMap((line) => line.split(' · '))
    .filter((part) => !/^(Started|This step|IdP transaction|Receipt):?/.test(part))
    .join('\n')
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, '<time>');
  for (const s of secrets) expect(facts).not.toMatch(new RegExp(`(^|\\D)${s}(\\D|$)`));
}

export async function verificationNotes(request: APIRequestContext, ticket: StandInTicket): Promise<StandInComment[]> {
  return (await notesOf(request, ticket.desk, ticket.id)).filter((n) =>
    /Vouchsafe · (Caller|Recipient) verification|override/i.test(headline(n)),
  );
}
