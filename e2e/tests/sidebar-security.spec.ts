import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './support/browser-checks';
import { SESSION_HEADER } from '@vouchsafe/contracts';
import { apiUrl, mintHostToken, newTicket, sessionFor, sidebarOf, startSession, type Desk, type StandInTicket } from './support/desks';
import { openTicket, sendTextSecret } from './support/sidebar-flow';
import { SIDEBAR } from './support/sidebar-text';

// Host-token checks through the real sidebars, and the API refusing every sidebar call without a valid session
// for the very ticket.

const DESKS: Desk[] = ['zendesk', 'servicenow', 'jira'];
const SECRETS = () => `${apiUrl()}/api/v1/sidebar/secrets`;

async function expectRejected(res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<void> {
  expect(res.status()).toBe(401);
  expect(await res.json()).toMatchObject({ error: { code: 'session_rejected', message: SIDEBAR.sessionRejected } });
}

const idOf = (link: string): string => /\/s\/([A-Za-z0-9_-]{22})#/.exec(link)![1]!;

for (const desk of DESKS) {
  for (const variant of ['forged', 'expired'] as const) {
    test(`${desk}: a ${variant} host token → the sidebar says the session could not be verified; the API refuses it`, async ({
      page,
      request,
    }) => {
      const ticket = await newTicket(request, desk);
      await openTicket(page, ticket, `?token=${variant}`);
      await expect(sidebarOf(page).getByText(SIDEBAR.sessionRejected)).toBeVisible({ timeout: 20_000 });
      await expect(sidebarOf(page).getByLabel(SIDEBAR.textLabel)).toHaveCount(0);

      // The same kind of token straight at the session endpoint.
      await expectRejected(await startSession(request, ticket, await mintHostToken(request, desk, ticket.id, variant)));
    });
  }
}

test('every sidebar call without a session, or with a bad one, is refused with 401', async ({ request }) => {
  const ticket = await newTicket(request, 'zendesk');
  const good = await sessionFor(request, ticket);
  const [head, payload, signature] = good.split('.');
  const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
  const bad: Array<Record<string, string>> = [
    {},
    { [SESSION_HEADER]: 'not-a-session' },
    { [SESSION_HEADER]: `${head}.${payload}.${flipped}` },
    // A host token is not a session.
    { [SESSION_HEADER]: await mintHostToken(request, 'zendesk', ticket.id) },
    // Sessions never travel in Authorization.
    { authorization: `Bearer ${good}` },
  ];
  for (const headers of bad) {
    await expectRejected(await request.get(SECRETS(), { headers }));
    await expectRejected(await request.post(SECRETS(), { headers, data: {} }));
    await expectRejected(await request.delete(`${SECRETS()}/AAAAAAAAAAAAAAAAAAAAAA`, { headers }));
    await expectRejected(await request.post(`${apiUrl()}/api/v1/sessions/renew`, { headers }));
  }
  // The control: the good session is accepted.
  const ok = await request.get(SECRETS(), { headers: { [SESSION_HEADER]: good } });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ secrets: [] });
});

test("a session for one ticket cannot see or touch another ticket's secret (404)", async ({ page, request }) => {
  const ticketA = await newTicket(request, 'zendesk');
  const others: StandInTicket[] = [
    await newTicket(request, 'zendesk'),
    await newTicket(request, 'servicenow'),
    await newTicket(request, 'jira'),
  ];
  await openTicket(page, ticketA);
  const id = idOf(await sendTextSecret(page, 'zendesk', 'cross-ticket canary 7Hq2'));

  // Ticket A's own session lists it (so the 404s below are about the ticket, not a missing secret).
  const sessionA = await sessionFor(request, ticketA);
  const listA = await request.get(SECRETS(), { headers: { [SESSION_HEADER]: sessionA } });
  expect(((await listA.json()) as { secrets: Array<{ id: string }> }).secrets.map((s) => s.id)).toContain(id);

  for (const other of others) {
    const session = await sessionFor(request, other);
    const del = await request.delete(`${SECRETS()}/${id}`, { headers: { [SESSION_HEADER]: session } });
    expect(del.status(), `${other.desk} ${other.displayId}`).toBe(404);
    const list = await request.get(SECRETS(), { headers: { [SESSION_HEADER]: session } });
    expect(((await list.json()) as { secrets: Array<{ id: string }> }).secrets.map((s) => s.id)).not.toContain(id);
  }
  // Still there for ticket A: nothing above revoked it.
  const again = await request.get(SECRETS(), { headers: { [SESSION_HEADER]: sessionA } });
  expect(((await again.json()) as { secrets: Array<{ id: string; status: string }> }).secrets.find((s) => s.id === id)?.status).toBe(
    'waiting',
  );
});
